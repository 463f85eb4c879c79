import ArgumentParser
import Foundation
import MNISTData
import NCENetwork
import SafeTensors

/// `mnist-nce train`: trains the network and writes a checkpoint.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the classifier with NCE (default), softmax or sampled softmax.",
        discussion: """
            A checkpoint is written after every epoch (atomically; also every \
            --checkpoint-every steps), holding the whole training state, so a \
            stopped run continues with --resume to the same final checkpoint, \
            byte for byte. Ctrl-C or SIGTERM stops after the current step with \
            the checkpoint written (status 130 or 143); a second Ctrl-C stops at \
            once. A diverged run keeps its last good checkpoint. The default path is \
            runs/<time>-<loss>.safetensors, never one that exists; `mnist-nce eval` \
            picks the newest. An existing --output or --metrics file is replaced \
            only with --overwrite, and only if mnist-nce wrote it.

            A run stops with status 1 when its loss becomes NaN or infinite, or \
            when the loss averaged over about 32 steps exceeds \(Int(DivergenceRule.factor))× \
            the first step's loss.
            """)

    @OptionGroup(title: "Loss and seed") var choice: RunChoiceOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "Checkpoint path (.safetensors). Default: runs/<time>-<loss>.safetensors, or the --resume path.")
    var output: String?
    @Option(help: "Also append one JSON line per epoch to this file.")
    var metrics: String?
    @Flag(help: "Replace an existing --output checkpoint or --metrics file written by mnist-nce.")
    var overwrite = false
    @Option(
        parsing: .unconditional,
        help: "Also write the checkpoint every this many steps within an epoch (default: at the end of each epoch only).")
    var checkpointEvery: Int?
    @Option(
        help: ArgumentHelp(
            "Continue the stopped run in this checkpoint to its configured end, as if it had not stopped.",
            discussion: "Only --threads, --output, --metrics, --checkpoint-every and --data-dir (holding the same data) may be given with it."),
        completion: .file(extensions: ["safetensors"]))
    var resume: String?
    @Flag(help: "Print the final summary as one JSON line instead of text (progress stays on stderr).")
    var json = false

    /// The run these options describe, for 28×28 input.
    var configuration: TrainingConfiguration {
        training.configuration(loss: choice.loss, numSampled: choice.numSampled, seed: choice.seed)
    }

    func validate() throws {
        if let checkpointEvery, checkpointEvery < 1 {
            throw ValidationError("--checkpoint-every must be at least 1, got \(checkpointEvery)")
        }
        if resume != nil {
            if let option = (choice.given + training.given).first {
                throw ValidationError(
                    "\(option) cannot be given with --resume: a resumed run keeps the options it was started with "
                        + "(only --threads, --output, --metrics, --checkpoint-every and --data-dir may change)")
            }
            return
        }
        if let problem = configuration.problem() { throw ValidationError(problem) }
    }

    func run() throws {
        Interrupts.install()
        if let resume {
            try runResumed(from: resume)
            return
        }
        var configuration = self.configuration
        // Outputs first: a path that cannot be written fails before any
        // data is read.
        if let output { try CheckpointPaths.checkWritable(output, overwrite: overwrite) }
        let metricsLog = try openMetrics(mode: overwrite ? .overwrite : .create)
        defer { metricsLog?.removeIfUnused() }
        let path = try output ?? CheckpointPaths.reserveDefault(configuration)
        defer { if output == nil { CheckpointPaths.releaseIfEmpty(path) } }

        let set = try training.data.load()
        // The network's input follows the data (28×28 for MNIST layouts).
        configuration.model.imageHeight = set.train.rows
        configuration.model.imageWidth = set.train.columns
        if let problem = configuration.problem() {
            throw CommandFailure("\(training.data.dataDir): \(problem)", status: CommandFailure.dataError)
        }
        try Self.checkMemory(configuration)
        try train(
            configuration, data: set, path: path, metricsLog: metricsLog,
            source: DataSource(directory: Self.absolute(training.data.dataDir), fingerprint: DataFingerprint(set)),
            resuming: nil)
    }

    /// `train --resume`: continues the run stored at `resumePath`.
    private func runResumed(from resumePath: String) throws {
        let saved: Checkpoint
        do {
            saved = try Checkpoint.load(
                path: resumePath, maxBatch: 1, threads: 1, memoryLimit: SystemMemory.availableBytes(), trainingState: true)
        } catch {
            throw CommandFailure(error)
        }
        guard let snapshot = saved.training else {
            if let test = saved.testAccuracy {
                print(String(
                    format: "%@: this run has finished (%d epochs, test accuracy %.2f%%); nothing to resume",
                    resumePath, saved.epoch, test * 100))
                return
            }
            throw CommandFailure(
                "\(resumePath): expected a checkpoint written during a run (with __metadata__.training_state), "
                    + "found one without the training state", status: CommandFailure.dataError)
        }
        var configuration = saved.configuration
        if let threads = training.threadsOption { configuration.threads = threads }
        if let problem = configuration.problem() { throw CommandFailure(problem, status: CommandFailure.usage) }

        let path = output ?? resumePath
        if path != resumePath { try CheckpointPaths.checkWritable(path, overwrite: overwrite) }
        let metricsLog = try openMetrics(mode: .append)
        defer { metricsLog?.removeIfUnused() }
        try metricsLog?.discardLines(afterEpoch: snapshot.state.epochsDone)

        let dataDir = training.data.dataDirOption ?? saved.dataSource?.directory ?? DataOptions.defaultDataDir
        let set = try DataOptions.load(directory: dataDir, validationSize: configuration.validationSize)
        let fingerprint = DataFingerprint(set)
        if let stored = saved.dataSource?.fingerprint,
           let difference = stored.mismatch(
               rows: set.train.rows, columns: set.train.columns, trainCount: fingerprint.trainCount, test: set.test) {
            throw CommandFailure(
                "\(dataDir): expected the data the run was trained on (\(saved.dataSource?.directory ?? "")), "
                    + "found other data: expected \(difference)",
                status: CommandFailure.dataError)
        }
        guard (set.train.rows, set.train.columns) == (configuration.model.imageHeight, configuration.model.imageWidth)
        else {
            throw CommandFailure(
                "\(dataDir): expected \(configuration.model.imageHeight)×\(configuration.model.imageWidth) images "
                    + "as the run was trained on, found \(set.train.rows)×\(set.train.columns)",
                status: CommandFailure.dataError)
        }
        try Self.checkMemory(configuration)
        try train(
            configuration, data: set, path: path, metricsLog: metricsLog,
            source: DataSource(directory: Self.absolute(dataDir), fingerprint: fingerprint),
            resuming: (snapshot, saved.network.parameters))
    }

    /// Opens `--metrics`, if given; an existing file must be a metrics file.
    private func openMetrics(mode: MetricsLog.Mode) throws(CommandFailure) -> MetricsLog? {
        guard let metrics else { return nil }
        var mode = mode
        if mode == .append && !FileManager.default.fileExists(atPath: metrics) { mode = .create }
        do {
            return try MetricsLog(path: metrics, mode: mode)
        } catch {
            throw CommandFailure.from(error)
        }
    }

    /// Runs the training with a live display and prints the summary.
    private func train(
        _ configuration: TrainingConfiguration, data set: MNISTDataSet, path: String, metricsLog: MetricsLog?,
        source: DataSource, resuming: (snapshot: TrainingSnapshot, parameters: ParameterArena<Float>)?
    ) throws {
        SafeTensorsFile.removeStaleTemporaryFiles(for: path)
        let display = ProgressDisplay(textMode: !json)
        var description = Self.describe(configuration, set: set)
        if let state = resuming?.snapshot.state {
            description += ", resumed after \(state.stepsTaken) of its steps"
        }
        display.started(checkpoint: path, description: description)
        var run = TrainingRun(
            configuration: configuration, checkpointPath: path, metrics: metricsLog, dataSource: source,
            checkpointEvery: checkpointEvery)
        run.interruption = Interrupts.signal
        let summary: TrainingSummary
        do {
            summary = try run.run(data: set, resuming: resuming, onStep: display.step, onEpoch: display.epoch)
        } catch let stop as TrainingInterrupted {
            display.finishLine()
            var message = stop.description
            if stop.checkpoint != nil {
                message = "interrupted at \(stop.position); resume with: mnist-nce train --resume \(Self.quoted(path))"
                if let metrics { message += " --metrics \(Self.quoted(metrics))" }
            }
            throw CommandFailure(message, status: 128 + stop.signal)
        } catch {
            display.finishLine()
            var failure = CommandFailure.from(error)
            if failure.status == 1 {
                let kept = Self.holdsCheckpoint(path)
                    ? "the last good checkpoint is \(path)" : "no epoch completed, so no checkpoint was written"
                failure = CommandFailure("\(failure.message); \(kept)", status: failure.status)
            }
            throw failure
        }
        display.finishLine()
        if json {
            print(Self.summaryJSON(summary, configuration: configuration))
        } else {
            let validation = summary.validationAccuracy.map { String(format: ", validation %.2f%%", $0 * 100) } ?? ""
            print(String(
                format: "done: test accuracy %.2f%%%@ after %d step%@ (%d epoch%@); %.0f images/s; wall time %.1f s",
                summary.testAccuracy * 100, validation, summary.steps, summary.steps == 1 ? "" : "s",
                summary.epochs, summary.epochs == 1 ? "" : "s", summary.imagesPerSecond,
                summary.wallSeconds))
            print("checkpoint: \(path)")
        }
    }

    /// `path` made absolute, as checkpoints record data folders.
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `text` as one shell word.
    static func quoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:,=@".contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Refuses a configuration whose buffers would not fit in the memory
    /// this process can still take.
    static func checkMemory(_ configuration: TrainingConfiguration) throws(CommandFailure) {
        let needed = configuration.estimatedTrainingBytes
        guard let available = SystemMemory.availableBytes(), needed > available else { return }
        throw CommandFailure(
            "expected a configuration that fits in the \(SystemMemory.describe(available)) of memory available, "
                + "found one that needs about \(SystemMemory.describe(needed)) (--hidden \(configuration.model.hiddenUnits), "
                + "--batch-size \(configuration.batchSize), \(configuration.model.inputSize) inputs)",
            status: CommandFailure.usage)
    }

    /// One line naming the run, shown before the first step.
    static func describe(_ c: TrainingConfiguration, set: MNISTDataSet) -> String {
        var loss = c.loss.rawValue
        if c.loss != .softmax { loss += " num_sampled \(c.numSampled)" }
        let length = c.steps.map { "\($0) step\($0 == 1 ? "" : "s")" } ?? "\(c.epochs) epoch\(c.epochs == 1 ? "" : "s")"
        return "training \(c.model.kind.rawValue) (hidden \(c.model.hiddenUnits)), \(loss), \(length) of batch \(c.batchSize) "
            + "on \(set.train.count) images, \(c.threads) thread\(c.threads == 1 ? "" : "s")"
    }

    /// Whether `path` holds a non-empty file (a reserved name stays empty
    /// until the first checkpoint).
    static func holdsCheckpoint(_ path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0 > 0
    }

    /// One JSON object with the run's figures, in the same field names as
    /// the peer benchmark scripts.
    static func summaryJSON(_ summary: TrainingSummary, configuration c: TrainingConfiguration) -> String {
        var object: [String: Any] = [
            "peer": "mnist-nce", "model": c.model.kind.rawValue, "loss": c.loss.rawValue,
            "num_sampled": c.numSampled, "batch": c.batchSize, "epochs": summary.epochs, "threads": c.threads,
            "steps": summary.steps, "images_trained": summary.imagesTrained, "dropout": c.dropout,
            "images_per_s": (summary.imagesPerSecond * 10).rounded() / 10,
            "train_s": (summary.trainingSeconds * 100).rounded() / 100,
            "wall_s": (summary.wallSeconds * 100).rounded() / 100,
            "final_loss": (summary.finalLoss * 10_000).rounded() / 10_000,
            "test_accuracy": summary.testAccuracy,
            "peak_rss_mb": (ResourceUsage.peakResidentMegabytes * 10).rounded() / 10,
            "blas_core": BLASThreads.coreName, "hidden_kernel": c.hiddenKernel.rawValue,
            "checkpoint": summary.checkpoint,
        ]
        if let v = summary.validationAccuracy { object["validation_accuracy"] = v }
        if c.model.kind == .cnn {
            let algorithms = [1, ModelConfiguration.Convolution.firstChannels].map {
                Conv2DAlgorithm.automatic(for: Float.self, inChannels: $0).rawValue
            }
            object["conv_kernels"] = "conv1 \(algorithms[0]), conv2 \(algorithms[1]), \(ConvolutionInstructionSet.current)"
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
