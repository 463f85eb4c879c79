import Foundation
import NCENetwork

/// A sweep's folder: `sweep.json` (what the sweep is), `runs/` (one
/// checkpoint and one metrics file per run) and the report files.
///
/// A folder is claimed by one sweep: a second sweep with other training
/// options is refused, so runs of two recipes never mix in one table.
struct SweepFolder {
    static let manifestName = "sweep.json"
    static let runsName = "runs"

    /// The folder as the user named it.
    let path: String

    var manifestPath: String { file(Self.manifestName) }
    var runsPath: String { file(Self.runsName) }

    /// `path/name`.
    func file(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    func checkpointPath(_ run: SweepPlan.Run) -> String { runsPath + "/\(run.name).safetensors" }
    func metricsPath(_ run: SweepPlan.Run) -> String { runsPath + "/\(run.name).jsonl" }

    /// What `sweep.json` holds.
    struct Manifest: Codable {
        static let formatName = "mnist-nce-sweep"
        var format = formatName
        var formatVersion = 1
        /// The configuration every run shares, with placeholder loss,
        /// negatives and seed (nce, 1, 1) and 28×28 input.
        var recipe: TrainingConfiguration
        /// The recipe as `train` options, for reading and for messages.
        var trainOptions: [String]
        var dataDir: String
        var numSampled: [Int]
        var softmax: Bool
        var sampledSoftmax: Bool
        var seeds: [UInt64]
        /// Every distinct command line that used the folder, oldest first.
        var commands: [String]
        var started: String
        /// The machine that trained runs (pairs of name and value); nil
        /// when runs were only listed.
        var machine: [[String]]?

        enum CodingKeys: String, CodingKey {
            case format, formatVersion = "format_version", recipe, trainOptions = "train_options"
            case dataDir = "data_dir", numSampled = "num_sampled", softmax, sampledSoftmax = "sampled_softmax"
            case seeds, commands, started, machine
        }

        /// The lists as they would be written on a command line.
        var listsText: String {
            var parts: [String] = []
            if !numSampled.isEmpty { parts.append("--num-sampled " + numSampled.map(String.init).joined(separator: ",")) }
            if sampledSoftmax { parts.append("--sampled-softmax") }
            if softmax { parts.append("--softmax") }
            parts.append("--seeds " + seeds.map(String.init).joined(separator: ","))
            return parts.joined(separator: " ")
        }
    }

    /// The recipe a manifest records: `configuration` with the per-run
    /// choices and the input size set to fixed values.
    static func recipe(of configuration: TrainingConfiguration) -> TrainingConfiguration {
        var c = configuration
        c.loss = .nce
        c.numSampled = 1
        c.seed = 1
        c.model.imageHeight = ModelConfiguration().imageHeight
        c.model.imageWidth = ModelConfiguration().imageWidth
        return c
    }

    /// The manifest in the folder; nil when there is none.
    func readManifest() throws(CommandFailure) -> Manifest? {
        guard FileManager.default.fileExists(atPath: manifestPath) else { return nil }
        guard let data = FileManager.default.contents(atPath: manifestPath),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data),
              manifest.format == Manifest.formatName
        else {
            throw CommandFailure(
                "\(manifestPath): expected a mnist-nce sweep record, found a file that is not one; "
                    + "choose another --output-dir", status: CommandFailure.cannotCreate)
        }
        return manifest
    }

    /// Checks the folder can be this sweep's, without writing: it is new or
    /// empty, or holds a sweep with the same recipe and data.
    ///
    /// - Returns: the manifest to write (the recorded one with this command
    ///   and these lists added), and a line to show when the lists differ
    ///   from the recorded ones (the runs of both stay in the folder).
    /// - Throws: status 73 when the folder holds a sweep with other options
    ///   or files that are not a sweep's.
    func prepareClaim(
        _ manifest: Manifest, recordMachine: [[String]]?
    ) throws(CommandFailure) -> (manifest: Manifest, note: String?) {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw CommandFailure("\(path): expected a folder for the sweep, found a file", status: CommandFailure.cannotCreate)
        }
        var updated = manifest
        var note: String?
        if let recorded = try readManifest() {
            if recorded.recipe != manifest.recipe || recorded.dataDir != manifest.dataDir {
                let there = Self.settings(recorded.trainOptions), here = Self.settings(manifest.trainOptions)
                let difference = TrainArguments.firstDifference(there: there, here: here) ?? "other options"
                throw CommandFailure(
                    "\(path): expected a folder for this sweep, found a sweep with other options (\(difference)); "
                        + "rerun it with its own options or choose another --output-dir",
                    status: CommandFailure.cannotCreate)
            }
            updated.started = recorded.started
            updated.commands = recorded.commands + manifest.commands.filter { !recorded.commands.contains($0) }
            updated.machine = recordMachine ?? recorded.machine
            if recorded.listsText != manifest.listsText {
                note = "the sweep in \(path) had \(recorded.listsText); this command has \(manifest.listsText) "
                    + "(same recipe, so the runs of both are kept and reported)"
            }
        } else if exists {
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { !$0.hasPrefix(".") }
            guard entries.isEmpty else {
                throw CommandFailure(
                    "\(path): expected a new or empty folder for the sweep (or one holding a sweep), found "
                        + "\(entries.count) other entr\(entries.count == 1 ? "y" : "ies") and no \(Self.manifestName); "
                        + "choose another --output-dir", status: CommandFailure.cannotCreate)
            }
            updated.machine = recordMachine
        } else {
            updated.machine = recordMachine
        }
        return (updated, note)
    }

    /// Writes `manifest` atomically, creating the folder and `runs/`.
    func write(_ manifest: Manifest) throws(CommandFailure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(atPath: runsPath, withIntermediateDirectories: true)
            let data = try encoder.encode(manifest) + Data("\n".utf8)
            try data.write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        } catch {
            throw CommandFailure(
                "\(manifestPath): expected a sweep record written, found that it cannot be (\(error.localizedDescription))",
                status: CommandFailure.cannotCreate)
        }
    }

    /// Settings back from the words of `TrainArguments.recipe`.
    static func settings(_ words: [String]) -> [TrainArguments.Setting] {
        var settings: [TrainArguments.Setting] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            let flag = word.hasPrefix("--no-") ? String(word.dropFirst(5)) : String(word.dropFirst(2))
            if index + 1 < words.count, !words[index + 1].hasPrefix("--") {
                settings.append(.init(key: flag, words: [word, words[index + 1]]))
                index += 2
            } else {
                settings.append(.init(key: flag, words: [word]))
                index += 1
            }
        }
        return settings
    }

    /// Where a run of the plan stands in the folder.
    enum RunState {
        /// No checkpoint yet.
        case absent
        /// A checkpoint of the right configuration without a test accuracy:
        /// the run stopped after `epoch` epochs.
        case unfinished(epoch: Int, resumable: Bool)
        /// Finished with this test accuracy.
        case finished(testAccuracy: Double)

        /// Whether an earlier attempt left a checkpoint to continue from.
        var isResumable: Bool {
            if case .unfinished(_, true) = self { true } else { false }
        }
    }

    /// The state of `run`'s files, for a sweep expecting `configuration`
    /// trained on the data in `dataDirectory`.
    ///
    /// - Throws: status 73 when the checkpoint path holds something that is
    ///   not a checkpoint of this configuration: another recipe's run, other
    ///   data, or a file mnist-nce did not write.
    func state(
        of run: SweepPlan.Run, configuration: TrainingConfiguration, dataDirectory: String
    ) throws(CommandFailure) -> RunState {
        let path = checkpointPath(run)
        var status = stat()
        guard stat(path, &status) == 0 else { return .absent }
        if status.st_mode & S_IFMT == S_IFREG && status.st_size == 0 { return .absent }
        let saved: Checkpoint
        do {
            saved = try Checkpoint.load(path: path, maxBatch: 1, threads: 1, memoryLimit: SystemMemory.availableBytes())
        } catch {
            throw CommandFailure(
                "\(path): expected this sweep's checkpoint for \(run.title), found a file that is not a mnist-nce "
                    + "checkpoint (\(error.description)); move it away or choose another --output-dir",
                status: CommandFailure.cannotCreate)
        }
        if saved.configuration != configuration {
            let there = TrainArguments.run(saved.configuration, dataDir: dataDirectory, output: "", metrics: "")
            let here = TrainArguments.run(configuration, dataDir: dataDirectory, output: "", metrics: "")
            let difference = TrainArguments.firstDifference(
                there: Self.settings(Array(there.dropFirst())), here: Self.settings(Array(here.dropFirst())))
            throw CommandFailure(
                "\(path): expected a checkpoint of \(run.title) with this sweep's options, found one with "
                    + "other options (\(difference ?? "another input size")); choose another --output-dir",
                status: CommandFailure.cannotCreate)
        }
        if let recorded = saved.dataSource?.directory, recorded != dataDirectory {
            throw CommandFailure(
                "\(path): expected a checkpoint trained on \(dataDirectory), found one trained on \(recorded); "
                    + "choose another --output-dir", status: CommandFailure.cannotCreate)
        }
        guard let accuracy = saved.testAccuracy else { return .unfinished(epoch: saved.epoch, resumable: saved.isResumable) }
        return .finished(testAccuracy: accuracy)
    }
}
