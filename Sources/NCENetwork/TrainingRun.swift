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

/// A complete training run: every epoch, the metrics line and checkpoint
/// after each one, and the final test-set evaluation.
public struct TrainingRun {
    public let configuration: TrainingConfiguration
    /// Where the checkpoint goes; replaced atomically after every epoch.
    public let checkpointPath: String
    /// Receives one line per epoch, written before that epoch's checkpoint,
    /// so after an interruption the metrics never lag the checkpoint.
    public let metrics: MetricsLog?
    /// Where the data came from, recorded in every checkpoint.
    public let dataSource: DataSource?

    public init(
        configuration: TrainingConfiguration, checkpointPath: String, metrics: MetricsLog? = nil,
        dataSource: DataSource? = nil
    ) {
        self.configuration = configuration
        self.checkpointPath = checkpointPath
        self.metrics = metrics
        self.dataSource = dataSource
    }

    /// Trains on `data` and returns the summary.
    ///
    /// On divergence the run stops at once and throws
    /// `TrainingError.diverged` or `.exploded`; the checkpoint of the last
    /// completed epoch (if any) is left as it was. The last checkpoint is
    /// written once more at the end with the test accuracy in its metadata.
    public func run(
        data: MNISTDataSet,
        onStep: ((StepProgress) -> Void)? = nil,
        onEpoch: ((EpochReport) -> Void)? = nil
    ) throws -> TrainingSummary {
        let clock = ContinuousClock()
        let start = clock.now
        let trainer = try Trainer(configuration: configuration, data: data)
        var last: EpochReport?
        var images = 0.0, seconds = 0.0
        for _ in 0..<trainer.plannedEpochs {
            let report = try trainer.runEpoch(onStep: onStep)
            images += report.imagesPerSecond * report.trainingSeconds
            seconds += report.trainingSeconds
            last = report
            try metrics?.append(report)
            try checkpoint(trainer, report, testAccuracy: nil).save(to: checkpointPath)
            onEpoch?(report)
        }
        let test = Evaluator(network: trainer.network).evaluate(data.test)
        if let last {
            try checkpoint(trainer, last, testAccuracy: test.accuracy).save(to: checkpointPath)
        }
        return TrainingSummary(
            epochs: trainer.epochsDone, steps: trainer.stepsTaken, imagesTrained: trainer.imagesTrained,
            finalLoss: last?.meanLoss ?? .nan,
            validationAccuracy: last?.validationAccuracy, testAccuracy: test.accuracy,
            imagesPerSecond: seconds > 0 ? images / seconds : 0, trainingSeconds: seconds,
            wallSeconds: (clock.now - start).seconds, checkpoint: checkpointPath)
    }

    private func checkpoint(_ trainer: Trainer, _ report: EpochReport, testAccuracy: Double?) -> Checkpoint {
        Checkpoint(
            configuration: configuration, epoch: report.epoch, validationAccuracy: report.validationAccuracy,
            testAccuracy: testAccuracy, dataSource: dataSource, network: trainer.network)
    }
}
