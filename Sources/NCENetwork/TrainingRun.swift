import Foundation
import MNISTData

/// The outcome of a whole run, as the final summary reports it.
public struct TrainingSummary: Sendable, Codable {
    public let epochs: Int
    /// Training steps taken, and the images they went through.
    public let steps: Int
    public let imagesTrained: Int
    public let finalLoss: Double
    public let validationAccuracy: Double?
    public let testAccuracy: Double
    /// Training images per second over all epochs, counting only training
    /// steps (not validation or checkpoint writing).
    public let imagesPerSecond: Double
    public let trainingSeconds: Double
    /// From data loaded to the final test evaluation done.
    public let wallSeconds: Double
    public let checkpoint: String

    enum CodingKeys: String, CodingKey {
        case epochs, steps
        case imagesTrained = "images_trained"
        case finalLoss = "final_loss"
        case validationAccuracy = "validation_accuracy"
        case testAccuracy = "test_accuracy"
        case imagesPerSecond = "images_per_s"
        case trainingSeconds = "train_s"
        case wallSeconds = "wall_s"
        case checkpoint
    }
}

/// A run stopped by a signal, after its checkpoint was written.
public struct TrainingInterrupted: Error, Sendable, CustomStringConvertible {
    /// The signal that stopped it (SIGINT, SIGTERM, SIGHUP).
    public let signal: Int32
    /// Epochs completed, and steps into the next one.
    public let epochsDone: Int
    public let stepInEpoch: Int
    public let stepsTaken: Int
    public let totalSteps: Int
    /// The checkpoint the run can resume from; nil when it stopped before
    /// its first step.
    public let checkpoint: String?

    /// Where the run stopped: "epoch 2, step 431 (4181 of 37500 steps)".
    public var position: String {
        (stepInEpoch > 0 ? "epoch \(epochsDone + 1), step \(stepInEpoch)" : "the end of epoch \(epochsDone)")
            + " (\(stepsTaken) of \(totalSteps) steps)"
    }

    public var description: String {
        guard let checkpoint else { return "interrupted before the first step; no checkpoint was written" }
        return "interrupted at \(position); resume with: mnist-nce train --resume \(checkpoint)"
    }
}

/// A complete training run: every epoch, the metrics line and checkpoint
/// after each one, and the final test-set evaluation.
///
/// Checkpoints written while the run goes on hold its whole training
/// state, so a run stopped at any point continues from its last checkpoint
/// to the same final checkpoint, byte for byte, as if it had not stopped.
public struct TrainingRun {
    public let configuration: TrainingConfiguration
    /// Where the checkpoint goes; replaced atomically after every epoch
    /// (and every `checkpointEvery` steps) and when the run is interrupted.
    public let checkpointPath: String
    /// Receives one line per epoch, written before that epoch's checkpoint,
    /// so after an interruption the metrics never lag the checkpoint.
    public let metrics: MetricsLog?
    /// Where the data came from, recorded in every checkpoint.
    public let dataSource: DataSource?
    /// Steps between checkpoints within an epoch (counted over the whole
    /// run); nil writes them only at the end of each epoch.
    public var checkpointEvery: Int?
    /// Polled after every step: a non-zero value (the signal that asked
    /// for it) stops the run after writing its checkpoint.
    public var interruption: () -> Int32 = { 0 }

    public init(
        configuration: TrainingConfiguration, checkpointPath: String, metrics: MetricsLog? = nil,
        dataSource: DataSource? = nil, checkpointEvery: Int? = nil
    ) {
        self.configuration = configuration
        self.checkpointPath = checkpointPath
        self.metrics = metrics
        self.dataSource = dataSource
        self.checkpointEvery = checkpointEvery
    }

    /// Trains on `data` and returns the summary.
    ///
    /// - Parameters:
    ///   - resuming: the training state of a stopped run of this
    ///     configuration, and its parameters; the run continues from there.
    /// - Throws: `TrainingInterrupted` when `interruption` asked it to
    ///   stop (the checkpoint is then written); on divergence it stops at
    ///   once and throws `TrainingError.diverged` or `.exploded`, leaving
    ///   the last checkpoint (if any) as it was. The last checkpoint is
    ///   written once more at the end, without the training state and with
    ///   the test accuracy in its metadata.
    public func run(
        data: MNISTDataSet,
        resuming: (snapshot: TrainingSnapshot, parameters: ParameterArena<Float>)? = nil,
        onStep: ((StepProgress) -> Void)? = nil,
        onEpoch: ((EpochReport) -> Void)? = nil
    ) throws -> TrainingSummary {
        let clock = ContinuousClock()
        let start = clock.now
        let trainer = try Trainer(configuration: configuration, data: data)
        if let resuming {
            try trainer.restore(
                state: resuming.snapshot.state, parameters: resuming.parameters,
                optimizerBuffers: resuming.snapshot.optimizerBuffers)
        }
        if interruption() != 0 && !trainer.isFinished { throw interrupted(trainer, checkpoint: nil) }
        var images = 0.0, seconds = 0.0
        while !trainer.isFinished {
            let report = try trainer.runEpoch(onStep: onStep) {
                if interruption() != 0 { return .pause }
                if let every = checkpointEvery, trainer.stepsTaken % every == 0 { return .pause }
                return .proceed
            }
            if let report {
                images += report.imagesPerSecond * report.trainingSeconds
                seconds += report.trainingSeconds
                try metrics?.append(report)
            }
            try checkpoint(trainer, testAccuracy: nil).save(to: checkpointPath)
            if let report { onEpoch?(report) }
            if interruption() != 0 && !trainer.isFinished {
                throw interrupted(trainer, checkpoint: checkpointPath)
            }
        }
        let test = Evaluator(network: trainer.network).evaluate(data.test)
        if trainer.stepsTaken > 0 {
            try checkpoint(trainer, testAccuracy: test.accuracy).save(to: checkpointPath)
        }
        return TrainingSummary(
            epochs: trainer.epochsDone, steps: trainer.stepsTaken, imagesTrained: trainer.imagesTrained,
            finalLoss: trainer.lastEpochLoss ?? .nan,
            validationAccuracy: trainer.lastValidationAccuracy, testAccuracy: test.accuracy,
            imagesPerSecond: seconds > 0 ? images / seconds : 0, trainingSeconds: seconds,
            wallSeconds: (clock.now - start).seconds, checkpoint: checkpointPath)
    }

    /// The checkpoint of the trainer's current state: with the training
    /// state while the run goes on, without it once the test accuracy is
    /// known.
    private func checkpoint(_ trainer: Trainer, testAccuracy: Double?) -> Checkpoint {
        Checkpoint(
            configuration: configuration, epoch: trainer.epochsDone,
            validationAccuracy: trainer.lastValidationAccuracy, testAccuracy: testAccuracy,
            dataSource: dataSource, network: trainer.network,
            training: testAccuracy == nil ? TrainingSnapshot(trainer) : nil)
    }

    private func interrupted(_ trainer: Trainer, checkpoint: String?) -> TrainingInterrupted {
        TrainingInterrupted(
            signal: interruption(), epochsDone: trainer.epochsDone, stepInEpoch: trainer.stepInEpoch,
            stepsTaken: trainer.stepsTaken, totalSteps: trainer.totalSteps, checkpoint: checkpoint)
    }
}
