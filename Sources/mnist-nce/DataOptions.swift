import ArgumentParser
import MNISTData

/// Where the data set is and how the training file is split.
struct DataOptions: ParsableArguments {
    /// The bundled MNIST, relative to the working directory.
    static let defaultDataDir = "data/mnist"

    @Option(
        name: .customLong("data-dir"),
        help: "Folder with the four MNIST-layout files (.gz or raw) (default: \(defaultDataDir)).")
    var dataDirOption: String?

    var dataDir: String { dataDirOption ?? Self.defaultDataDir }

    @Option(
        name: .customLong("validation-size"), parsing: .unconditional,
        help: "Training images held out for validation, taken from the start of the training file (default: \(MNISTDataSet.defaultValidationSize)).")
    var validationSizeOption: Int?

    var validationSize: Int { validationSizeOption ?? MNISTDataSet.defaultValidationSize }

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

extension DataOptions {
    /// Loads and validates the data set in `directory`.
    static func load(directory: String, validationSize: Int) throws(CommandFailure) -> MNISTDataSet {
        do {
            return try MNISTDataSet.load(directory: directory, validationSize: validationSize)
        } catch {
            throw CommandFailure(error)
        }
    }
}
