import Foundation
import MNISTData

/// The outcome of a whole run, as the final summary reports it.
public struct TrainingSummary: Sendable, Codable {
    public let epochs: Int
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
        case epochs
        case finalLoss = "final_loss"
        case validationAccuracy = "validation_accuracy"
        case testAccuracy = "test_accuracy"
        case imagesPerSecond = "images_per_s"
        case trainingSeconds = "train_s"
        case wallSeconds = "wall_s"
        case checkpoint
    }
}

/// A failure while writing the metrics file.
public struct MetricsWriteError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot write the metrics file: \(reason)" }
}

/// A complete training run: every epoch, a checkpoint after each one, the
/// optional metrics file, and the final test-set evaluation.
public struct TrainingRun {
    public let configuration: TrainingConfiguration
    /// Where the checkpoint goes; replaced atomically after every epoch.
    public let checkpointPath: String
    /// One JSON line per epoch, rewritten atomically after every epoch.
    public let metricsPath: String?

    public init(configuration: TrainingConfiguration, checkpointPath: String, metricsPath: String?) {
        self.configuration = configuration
        self.checkpointPath = checkpointPath
        self.metricsPath = metricsPath
    }

    /// Trains on `data` and returns the summary.
    ///
    /// On divergence the run stops at once and throws
    /// `TrainingError.diverged`; the checkpoint of the last completed epoch
    /// (if any) is left as it was.
    public func run(
        data: MNISTDataSet,
        onStep: ((StepProgress) -> Void)? = nil,
        onEpoch: ((EpochReport) -> Void)? = nil
    ) throws -> TrainingSummary {
        let clock = ContinuousClock()
        let start = clock.now
        let trainer = try Trainer(configuration: configuration, data: data)
        var metricLines: [String] = []
        var last: EpochReport?
        var images = 0.0, seconds = 0.0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for _ in 0..<configuration.epochs {
            let report = try trainer.runEpoch(onStep: onStep)
            images += report.imagesPerSecond * report.trainingSeconds
            seconds += report.trainingSeconds
            last = report
            try Checkpoint(
                configuration: configuration, epoch: report.epoch,
                validationAccuracy: report.validationAccuracy, network: trainer.network
            ).save(to: checkpointPath)
            if let metricsPath {
                metricLines.append(String(decoding: try encoder.encode(report), as: UTF8.self))
                try writeMetrics(metricLines, to: metricsPath)
            }
            onEpoch?(report)
        }
        let test = Evaluator(network: trainer.network).evaluate(data.test)
        return TrainingSummary(
            epochs: configuration.epochs, finalLoss: last?.meanLoss ?? .nan,
            validationAccuracy: last?.validationAccuracy, testAccuracy: test.accuracy,
            imagesPerSecond: seconds > 0 ? images / seconds : 0, trainingSeconds: seconds,
            wallSeconds: (clock.now - start).seconds, checkpoint: checkpointPath)
    }

    private func writeMetrics(_ lines: [String], to path: String) throws(MetricsWriteError) {
        let text = lines.joined(separator: "\n") + "\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw MetricsWriteError(path: path, reason: error.localizedDescription)
        }
    }
}
