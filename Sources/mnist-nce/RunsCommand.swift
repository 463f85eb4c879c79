import ArgumentParser
import Foundation
import SafeTensors

/// `mnist-nce runs`: the checkpoints in a folder, newest first, with what
/// their metadata says about each run.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the checkpoints in runs/ (or DIR), newest first, with their loss and accuracies.",
        discussion: """
            Files that are not mnist-nce checkpoints are skipped; an empty file \
            is a name reserved by a run that has not written its first \
            checkpoint. An unfinished run shows its epochs as done/planned and \
            no test accuracy; `--json` marks the ones `train --resume` can \
            continue with "resumable": true.
            """)

    @Argument(help: "Folder to list.")
    var directory = CheckpointPaths.runsFolder
    @Flag(help: "Print one JSON object per checkpoint, one per line.")
    var json = false

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("\(directory): expected a folder of checkpoints, found none", status: CommandFailure.noInput)
        }
        let entries = Self.entries(in: directory)
        if json {
            for entry in entries { print(entry.json) }
            return
        }
        guard !entries.isEmpty else {
            print("no checkpoints in \(directory)")
            return
        }
        let header = ["modified", "model", "loss", "S", "epochs", "validation", "test", "checkpoint"]
        let rows = entries.map(\.columns)
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { column, text in
                column == row.count - 1 ? text
                    : column >= 3 && column <= 6 ? text.leftPadded(widths[column])
                    : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// One listed checkpoint.
    struct Entry {
        let path: String
        let modified: Date
        let metadata: [String: String]

        var numSampled: String { metadata["loss"] == "softmax" ? "-" : metadata["num_sampled"] ?? "?" }
        var epochs: String {
            let done = metadata["epoch"] ?? "?"
            let planned = metadata["epochs"] ?? "?"
            return done == planned ? done : "\(done)/\(planned)"
        }

        var columns: [String] {
            [
                Self.timeFormatter.string(from: modified), metadata["model"] ?? "mlp", metadata["loss"] ?? "?",
                numSampled, epochs, percent(metadata["validation_accuracy"]), percent(metadata["test_accuracy"]), path,
            ]
        }

        var json: String {
            var object: [String: Any] = [
                "checkpoint": path, "modified": ISO8601DateFormatter().string(from: modified),
                "model": metadata["model"] ?? "mlp", "loss": metadata["loss"] ?? NSNull(),
            ]
            for (key, name) in [("num_sampled", "num_sampled"), ("epoch", "epoch"), ("epochs", "epochs"), ("seed", "seed")] {
                object[key] = metadata[name].flatMap { Int($0) } ?? NSNull()
            }
            for key in ["validation_accuracy", "test_accuracy"] {
                object[key] = metadata[key].flatMap { Double($0) } ?? NSNull()
            }
            if metadata["loss"] == "softmax" { object["num_sampled"] = NSNull() }
            // A checkpoint written during a run: `train --resume` continues it.
            object["resumable"] = metadata["training_state"] != nil
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }

        private func percent(_ text: String?) -> String {
            text.flatMap(Double.init).map { String(format: "%.2f%%", $0 * 100) } ?? "-"
        }

        static let timeFormatter: DateFormatter = {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            formatter.locale = Locale(identifier: "en_US_POSIX")
            return formatter
        }()
    }

    /// The mnist-nce checkpoints directly in `directory`, newest first.
    static func entries(in directory: String) -> [Entry] {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        var entries: [Entry] = []
        for name in names.sorted() where name.hasSuffix(".safetensors") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                  let modified = attributes[.modificationDate] as? Date,
                  let archive = try? SafeTensorsFile.read(path: path),
                  archive.metadata["format"] == "mnist-nce"
            else { continue }
            entries.append(Entry(path: path, modified: modified, metadata: archive.metadata))
        }
        return entries.sorted { $0.modified != $1.modified ? $0.modified > $1.modified : $0.path < $1.path }
    }
}
