import ArgumentParser
import Foundation
import NCENetwork

/// `mnist-nce report DIR`: the report of a sweep folder from whatever runs
/// in it have finished.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Build a sweep's results.csv, summary.md, plots and report.html from its finished runs.",
        discussion: """
            Reads DIR/runs/*.safetensors and the metrics beside them, evaluates \
            every finished checkpoint on its test split (the data folder its \
            metadata records, checked against its fingerprint as `eval` does) \
            for NLL, ECE and log Z, and replaces the report files in DIR. \
            Unfinished runs are named and left out. This is what `sweep` runs \
            when its last run ends.
            """)

    @Argument(help: ArgumentHelp("The sweep's folder (its --output-dir).", valueName: "dir"))
    var directory: String
    @Option(help: "Evaluate on this data folder instead of the one each checkpoint recorded.")
    var dataDir: String?
    @Option(parsing: .unconditional, help: "Threads for evaluation (default: the cores this process may use).")
    var threads = TrainingConfiguration().threads

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256, got \(threads)") }
    }

    func run() throws {
        let folder = SweepFolder(path: directory)
        let results = try SweepResults.collect(folder, dataDir: dataDir, threads: threads)
        let written = try results.writeReport(
            folder, machine: (MachineDescription.current(), "The machine that made this report; the runs may have been trained elsewhere."))
        for note in results.notes { print("note: \(note)") }
        if !results.unfinished.isEmpty {
            print("not reported: \(results.unfinished.count) unfinished run\(results.unfinished.count == 1 ? "" : "s"): "
                + results.unfinished.joined(separator: ", "))
        }
        print("\(results.records.count) finished run\(results.records.count == 1 ? "" : "s") reported")
        print("")
        print(results.summaryTable)
        print("")
        print("report: " + written.joined(separator: ", "))
    }
}
