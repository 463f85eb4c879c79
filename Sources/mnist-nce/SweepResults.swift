import Foundation
import MNISTData
import NCENetwork
import SweepReporting

/// The finished runs of a sweep folder, evaluated, and the report built
/// from them: what `mnist-nce report` does and what `sweep` does at its end.
struct SweepResults {
    var records: [RunRecord] = []
    /// The recipe the reported runs share.
    var recipe: TrainingConfiguration?
    /// Runs without a test accuracy yet (names of their checkpoints).
    var unfinished: [String] = []
    /// Lines about checkpoints left out and figures missing.
    var notes: [String] = []
    /// The data folder of the first reported run.
    var dataFolder: String?

    /// Reads every checkpoint in `folder/runs`, evaluates the finished ones
    /// on their test split, and reads their metrics files.
    ///
    /// Runs whose recipe differs from the folder's (the one `sweep.json`
    /// records, else the most common) and second runs of a configuration
    /// and seed are left out with a note.
    ///
    /// - Parameters:
    ///   - dataDir: evaluate on this folder instead of the one each
    ///     checkpoint recorded (other data is then a warning, as in `eval`).
    ///   - threads: threads for evaluation.
    /// - Throws: status 66 when the folder holds no finished run; the
    ///   statuses of `eval` when a run's data is missing or not its own.
    static func collect(
        _ folder: SweepFolder, dataDir: String?, threads: Int
    ) throws(CommandFailure) -> SweepResults {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(
                "\(folder.path): expected a sweep folder (made by `mnist-nce sweep`), found none", status: CommandFailure.noInput)
        }
        let manifest = try folder.readManifest()
        var results = SweepResults()
        var finished: [(name: String, checkpoint: Checkpoint)] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.runsPath)) ?? [])
            .filter { $0.hasSuffix(".safetensors") && !$0.hasPrefix(".") }.sorted()
        for name in names {
            let path = folder.runsPath + "/" + name
            guard let saved = try? Checkpoint.load(path: path, threads: threads, memoryLimit: SystemMemory.availableBytes()) else {
                if TrainCommand.holdsCheckpoint(path) {
                    results.notes.append("left out \(SweepFolder.runsName)/\(name): not a mnist-nce checkpoint")
                }
                continue
            }
            if saved.testAccuracy == nil {
                results.unfinished.append(name)
            } else {
                finished.append((name, saved))
            }
        }
        guard !finished.isEmpty else {
            let found = results.unfinished.isEmpty
                ? (FileManager.default.fileExists(atPath: folder.runsPath) ? "none" : "no \(SweepFolder.runsName) folder")
                : "only \(results.unfinished.count) unfinished"
            throw CommandFailure(
                "\(folder.path): expected finished runs of a sweep in \(folder.runsPath) (checkpoints with a test accuracy), "
                    + "found \(found)", status: CommandFailure.noInput)
        }

        // The recipe to report: the sweep's, else the most common one.
        let recipes = finished.map { SweepFolder.recipe(of: $0.checkpoint.configuration) }
        let reference = manifest?.recipe ?? recipes.max { a, b in
            recipes.filter { $0 == a }.count < recipes.filter { $0 == b }.count
        }!
        var seen: Set<String> = []
        var testSets: [String: ImageSet] = [:]
        for (index, (name, saved)) in finished.enumerated() {
            let c = saved.configuration
            let relative = "\(SweepFolder.runsName)/\(name)"
            guard recipes[index] == reference else {
                let there = TrainArguments.recipe(recipes[index], dataDir: "")
                let difference = TrainArguments.firstDifference(
                    there: there, here: TrainArguments.recipe(reference, dataDir: "")) ?? "another input size"
                results.notes.append("left out \(relative): trained with other options than the sweep (\(difference))")
                continue
            }
            let group = RunGroup(model: c.model.kind.rawValue, loss: c.loss.rawValue, numSampled: c.numSampled)
            guard seen.insert("\(group.slug)-seed\(c.seed)").inserted else {
                results.notes.append("left out \(relative): a second run of \(group.label), seed \(c.seed)")
                continue
            }
            let dataFolder = dataDir ?? saved.dataSource?.directory ?? DataOptions.defaultDataDir
            if dataDir == nil && !FileManager.default.fileExists(atPath: dataFolder) {
                throw CommandFailure(
                    "\(relative): expected its data folder \(dataFolder) (recorded in the checkpoint) to evaluate it, "
                        + "found none; pass --data-dir", status: CommandFailure.noInput)
            }
            // Runs of one sweep share their data: load and check it once per
            // folder, fingerprint and input shape.
            let recorded = saved.dataSource?.fingerprint
            let key = [
                dataFolder, recorded?.testImagesSHA256 ?? "", recorded?.testLabelsSHA256 ?? "",
                "\(c.model.kind.rawValue) \(c.model.imageHeight)×\(c.model.imageWidth)",
            ].joined(separator: "|")
            let images: ImageSet
            if let cached = testSets[key] {
                images = cached
            } else {
                images = try EvalCommand.load(
                    .test, from: dataFolder, validationSize: nil, chosenFolder: dataDir != nil, for: saved)
                testSets[key] = images
            }
            var runtime = c
            runtime.threads = threads
            BLASThreads.set(runtime.blasThreads)
            let evaluation = Evaluator(network: saved.network).evaluate(images)
            let metricsName = String(name.dropLast(".safetensors".count)) + ".jsonl"
            let metricsPath = folder.runsPath + "/" + metricsName
            let curve = Self.readCurve(metricsPath, upTo: saved.epoch)
            if curve == nil { results.notes.append("\(relative) has no metrics file (\(metricsName)): no curve or timing") }
            let (seconds, speed) = Self.timing(curve ?? [])
            results.records.append(RunRecord(
                group: group, seed: c.seed, testAccuracy: evaluation.accuracy,
                validationAccuracy: saved.validationAccuracy,
                negativeLogLikelihood: evaluation.softmax.meanNegativeLogLikelihood,
                expectedCalibrationError: evaluation.softmax.expectedCalibrationError,
                logPartitionMean: evaluation.softmax.logPartitionMean,
                logPartitionStandardDeviation: evaluation.softmax.logPartitionStandardDeviation,
                trainingSeconds: seconds, imagesPerSecond: speed, epochsTrained: saved.epoch, checkpoint: relative,
                metrics: curve == nil ? nil : "\(SweepFolder.runsName)/\(metricsName)",
                curve: curve?.map {
                    EpochPoint(epoch: $0.epoch, loss: $0.meanLoss, validationAccuracy: $0.validationAccuracy)
                } ?? []))
            if results.recipe == nil {
                results.recipe = c
                results.dataFolder = dataFolder
            }
        }
        return results
    }

    /// The epochs of a metrics file, the last line of each epoch number
    /// kept, up to `epoch`; nil when the file is missing or not a metrics
    /// file.
    static func readCurve(_ path: String, upTo epoch: Int) -> [EpochReport]? {
        guard MetricsLog.isMetricsFile(path), let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return nil
        }
        var byEpoch: [Int: EpochReport] = [:]
        for line in text.split(separator: "\n") {
            guard let report = try? JSONDecoder().decode(EpochReport.self, from: Data(line.utf8)),
                  report.epoch <= epoch
            else { continue }
            byEpoch[report.epoch] = report
        }
        return byEpoch.keys.sorted().map { byEpoch[$0]! }
    }

    /// Seconds of training steps and images per second over `reports`, as
    /// `TrainingRun` sums them; nil for none.
    static func timing(_ reports: [EpochReport]) -> (Double?, Double?) {
        guard !reports.isEmpty else { return (nil, nil) }
        let seconds = reports.map(\.trainingSeconds).reduce(0, +)
        let images = reports.map { $0.imagesPerSecond * $0.trainingSeconds }.reduce(0, +)
        return (seconds, seconds > 0 ? images / seconds : nil)
    }

    /// Writes the report files into the folder (each atomically) and
    /// returns their paths.
    func writeReport(_ folder: SweepFolder, machine: (pairs: [(String, String)], note: String)) throws(CommandFailure) -> [String] {
        let manifest = try? folder.readManifest()
        let recorded = manifest?.machine.map { $0.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil } }
        let context = ReportContext(
            folder: folder.path, recipe: recipe.map(Self.describe) ?? "",
            commands: manifest?.commands ?? [], dataFolder: manifest?.dataDir ?? dataFolder,
            machine: recorded ?? machine.pairs,
            machineNote: recorded != nil ? "The machine that ran `mnist-nce sweep` (recorded in sweep.json)." : machine.note,
            date: MachineDescription.timestamp(Date()), started: manifest?.started, version: MNISTNCE.version,
            notes: notes + (unfinished.isEmpty ? [] : [
                "not reported: \(unfinished.count) unfinished run\(unfinished.count == 1 ? "" : "s") ("
                    + unfinished.joined(separator: ", ") + ")",
            ]))
        var written: [String] = []
        for (name, contents) in SweepReport.files(records: records, context: context) {
            let path = folder.file(name)
            do {
                try Data(contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CommandFailure(
                    "\(path): expected the report file written, found that it cannot be (\(error.localizedDescription))",
                    status: CommandFailure.cannotCreate)
            }
            written.append(path)
        }
        return written
    }

    /// The summary table as Markdown, for the terminal.
    var summaryTable: String {
        SummaryTable.markdownTable(ConfigurationSummary.summaries(of: records))
    }

    /// "mlp (hidden 1024), 20 epochs of batch 32, adam 0.001 (cosine), 2 threads".
    static func describe(_ c: TrainingConfiguration) -> String {
        var parts = ["\(c.model.kind.rawValue) (hidden \(c.model.hiddenUnits))"]
        let length = c.steps.map { "\($0) steps" } ?? "\(c.epochs) epochs"
        parts.append("\(length) of batch \(c.batchSize)")
        parts.append("\(c.optimizer.rawValue) \(c.learningRate) (\(c.schedule.rawValue))")
        if c.dropout > 0 { parts.append("dropout \(c.dropout)") }
        if c.sampler != .logUniform || !c.uniqueSamples {
            parts.append("\(c.sampler.rawValue) sampler\(c.uniqueSamples ? "" : " with repeats")")
        }
        if let hits = c.removeAccidentalHits { parts.append(hits ? "accidental hits removed" : "accidental hits kept") }
        parts.append("\(c.threads) thread\(c.threads == 1 ? "" : "s")")
        return parts.joined(separator: ", ")
    }
}
