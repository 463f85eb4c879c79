import ArgumentParser
import Foundation
import NCENetwork

/// `mnist-nce train`: trains the network and writes a checkpoint.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the classifier with NCE (default), softmax or sampled softmax.",
        discussion: """
            A checkpoint is written after every epoch (atomically), so a stopped \
            or diverged run keeps its last good epoch. The default path is \
            runs/<time>-<loss>.safetensors; `mnist-nce eval` picks the newest.
            """)

    @Option(help: "Loss for the output layer: \(LossKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var loss = LossKind.nce
    // Numeric options take the next word as their value even when it starts
    // with "-", so that a negative number is reported as a bad value rather
    // than as a missing one.
    @Option(parsing: .unconditional, help: "Negative classes sampled per step, shared by the batch (NCE and sampled softmax).")
    var numSampled = 1
    @Option(help: "Candidate sampler: \(SamplerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var sampler = SamplerKind.logUniform
    @Flag(inversion: .prefixedNo, help: "Draw distinct negatives, as TensorFlow's samplers do by default.")
    var unique = true
    @Flag(help: "Mask sampled classes equal to a row's true class (default: off for NCE, on for sampled softmax).")
    var removeAccidentalHits = false
    @Option(parsing: .unconditional, help: "Units in the hidden layer (the embedding width).")
    var hidden = 1024
    @Option(parsing: .unconditional, help: "Passes over the training split.")
    var epochs = TrainingConfiguration().epochs
    @Option(parsing: .unconditional, help: "Images per step.")
    var batchSize = TrainingConfiguration().batchSize
    @Option(parsing: .unconditional, help: "Base learning rate.")
    var learningRate = TrainingConfiguration().learningRate
    @Option(help: "Learning-rate schedule: \(LearningRateSchedule.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedule = TrainingConfiguration().schedule
    @Option(help: "Optimizer: adam, or sgd (momentum 0.9).")
    var optimizer = OptimizerKind.adam
    @Option(help: "Seed for initialisation, shuffling and sampling; equal seeds give equal checkpoints.")
    var seed: UInt64 = TrainingConfiguration().seed
    @Option(parsing: .unconditional, help: "Threads for BLAS, the sparse hidden-layer kernel and the optimizer.")
    var threads = TrainingConfiguration().threads
    @Option(help: "Hidden-layer products: sparse (skips zero pixels) or blas (dense).")
    var hiddenKernel = TrainingConfiguration().hiddenKernel
    @OptionGroup var data: DataOptions
    @Option(help: "Checkpoint path (.safetensors). Default: runs/<time>-<loss>.safetensors.")
    var output: String?
    @Option(help: "Also write one JSON line per epoch to this file.")
    var metrics: String?
    @Flag(help: "Print the final summary as one JSON line instead of text.")
    var json = false

    var trainingConfiguration: TrainingConfiguration {
        TrainingConfiguration(
            model: ModelConfiguration(hiddenUnits: hidden), loss: loss, numSampled: numSampled,
            sampler: sampler, uniqueSamples: unique,
            removeAccidentalHits: removeAccidentalHits ? true : nil,
            epochs: epochs, batchSize: batchSize, learningRate: learningRate, schedule: schedule,
            optimizer: optimizer, seed: seed, threads: threads, validationSize: data.validationSize,
            hiddenKernel: hiddenKernel)
    }

    func validate() throws {
        if let problem = trainingConfiguration.problem() { throw ValidationError(problem) }
        if loss == .softmax && numSampled != 1 {
            throw ValidationError("--num-sampled applies to nce and sampled-softmax, not to --loss softmax")
        }
    }

    func run() throws {
        var configuration = trainingConfiguration
        let path = output ?? Self.defaultOutputPath(configuration)
        try CheckpointPaths.checkReplaceable(path)
        let set = try data.load()
        // The network's input follows the data (28×28 for MNIST layouts).
        configuration.model.inputSize = set.train.pixelsPerImage
        if let problem = configuration.problem() {
            throw CommandFailure("\(data.dataDir): \(problem)", status: CommandFailure.dataError)
        }
        let display = ProgressDisplay(enabled: !json)
        let summary: TrainingSummary
        do {
            summary = try TrainingRun(configuration: configuration, checkpointPath: path, metricsPath: metrics)
                .run(data: set, onStep: display.step, onEpoch: display.epoch)
        } catch {
            display.finishLine()
            var failure = CommandFailure.from(error)
            if case TrainingError.diverged = error {
                let kept = FileManager.default.fileExists(atPath: path)
                    ? "the last good checkpoint is \(path)" : "no epoch completed, so no checkpoint was written"
                failure = CommandFailure("\(failure.message); \(kept)", status: failure.status)
            }
            throw failure
        }
        if json {
            print(Self.summaryJSON(summary, configuration: configuration))
        } else {
            let validation = summary.validationAccuracy.map { String(format: ", validation %.2f%%", $0 * 100) } ?? ""
            print(String(
                format: "done: test accuracy %.2f%%%@ after %d epochs; %.0f images/s; wall time %.1f s",
                summary.testAccuracy * 100, validation, summary.epochs, summary.imagesPerSecond,
                summary.wallSeconds))
            print("checkpoint: \(path)")
        }
    }

    /// `runs/<yyyyMMdd-HHmmss>-<loss>[-s<N>].safetensors`, in local time.
    static func defaultOutputPath(_ configuration: TrainingConfiguration) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        var name = "\(formatter.string(from: Date()))-\(configuration.loss.rawValue)"
        if configuration.loss != .softmax { name += "-s\(configuration.numSampled)" }
        return "\(CheckpointPaths.runsFolder)/\(name).safetensors"
    }

    /// One JSON object with the run's figures, in the same field names as
    /// the peer benchmark scripts.
    static func summaryJSON(_ summary: TrainingSummary, configuration c: TrainingConfiguration) -> String {
        var object: [String: Any] = [
            "peer": "mnist-nce", "model": "mlp", "loss": c.loss.rawValue, "num_sampled": c.numSampled,
            "batch": c.batchSize, "epochs": c.epochs, "threads": c.threads,
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
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
