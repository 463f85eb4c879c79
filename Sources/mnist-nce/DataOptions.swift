import ArgumentParser
import MNISTData

/// Where the data set is and how the training file is split.
struct DataOptions: ParsableArguments {
    /// The bundled MNIST, relative to the working directory.
    static let defaultDataDir = "data/mnist"

    @Option(help: "Folder with the four MNIST-layout files (.gz or raw).")
    var dataDir = defaultDataDir

    @Option(parsing: .unconditional, help: "Training images held out for validation, taken from the start of the training file.")
    var validationSize = MNISTDataSet.defaultValidationSize

    func validate() throws {
        guard validationSize >= 0 else {
            throw ValidationError("--validation-size must be 0 or more, got \(validationSize)")
        }
    }

    /// Loads and validates the data set.
    func load(validationSize override: Int? = nil) throws(CommandFailure) -> MNISTDataSet {
        do {
            return try MNISTDataSet.load(directory: dataDir, validationSize: override ?? validationSize)
        } catch {
            throw CommandFailure(error)
        }
    }
}
