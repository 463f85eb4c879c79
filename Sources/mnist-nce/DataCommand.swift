import ArgumentParser
import MNISTData

/// `mnist-nce data`: loads and validates the data set and reports its splits.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Load and validate the data set, and report the split sizes and label counts.")

    @OptionGroup var data: DataOptions

    func run() throws {
        let set = try data.load()
        print("data set \(data.dataDir): \(set.train.rows)×\(set.train.columns) images")
        for (name, split) in [("train", set.train), ("validation", set.validation), ("test", set.test)] {
            let counts = split.labelCounts().map(String.init).joined(separator: " ")
            print("\(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(String(split.count).leftPadded(6)) images; per label: \(counts)")
        }
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
