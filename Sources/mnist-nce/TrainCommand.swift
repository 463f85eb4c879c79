import ArgumentParser
import Foundation
import MNISTData
import NCENetwork

/// `mnist-nce train`: trains the network and writes a checkpoint.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the classifier with NCE (default), softmax or sampled softmax.",
        discussion: """
            A checkpoint is written after every epoch (atomically), so a stopped \
            or diverged run keeps its last good epoch. The default path is \
            runs/<time>-<loss>.safetensors, never one that exists; `mnist-nce eval` \
            picks the newest. An existing --output or --metrics file is replaced \
            only with --overwrite, and only if mnist-nce wrote it.

            A run stops with status 1 when its loss becomes NaN or infinite, or \
            when the loss averaged over about 32 steps exceeds \(Int(DivergenceRule.factor))× \
            the first step's loss.
            """)

    @OptionGroup(title: "Loss and seed") var choice: RunChoiceOptions
    @OptionGroup(title: "Training") var training: TrainingOptions
    @Option(help: "Checkpoint path (.safetensors). Default: runs/<time>-<loss>.safetensors.")
    var output: String?
    @Option(help: "Also append one JSON line per epoch to this file.")
    var metrics: String?
    @Flag(help: "Replace an existing --output checkpoint or --metrics file written by mnist-nce.")
    var overwrite = false
    @Flag(help: "Print the final summary as one JSON line instead of text (progress stays on stderr).")
    var json = false

    /// The run these options describe, for 28×28 input.
    var configuration: TrainingConfiguration {
        training.configuration(loss: choice.loss, numSampled: choice.numSampled, seed: choice.seed)
    }

    func validate() throws {
        if let problem = configuration.problem() { throw ValidationError(problem) }
    }

    func run() throws {
        var configuration = self.configuration
        // Outputs first: a path that cannot be written fails before any
        // data is read.
        if let output { try CheckpointPaths.checkWritable(output, overwrite: overwrite) }
        var metricsLog: MetricsLog?
        defer { metricsLog?.removeIfUnused() }
        if let metrics {
            do {
                metricsLog = try MetricsLog(path: metrics, mode: overwrite ? .overwrite : .create)
            } catch {
                throw CommandFailure.from(error)
            }
        }
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
        let source = DataSource(
            directory: URL(fileURLWithPath: training.data.dataDir).standardizedFileURL.path,
            fingerprint: DataFingerprint(set))

        let display = ProgressDisplay(textMode: !json)
        display.started(checkpoint: path, description: Self.describe(configuration, set: set))
        let summary: TrainingSummary
        do {
            summary = try TrainingRun(
                configuration: configuration, checkpointPath: path, metrics: metricsLog, dataSource: source
            ).run(data: set, onStep: display.step, onEpoch: display.epoch)
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
                format: "done: test accuracy %.2f%%%@ after %d steps (%d epochs); %.0f images/s; wall time %.1f s",
                summary.testAccuracy * 100, validation, summary.steps, summary.epochs, summary.imagesPerSecond,
                summary.wallSeconds))
            print("checkpoint: \(path)")
        }
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
        let length = c.steps.map { "\($0) steps" } ?? "\(c.epochs) epochs"
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
