/// How far a run has got within an epoch, for a live progress display.
public struct StepProgress: Sendable {
    public let epoch: Int
    public let epochs: Int
    public let step: Int
    public let stepsPerEpoch: Int
    /// Steps taken in the whole run so far, and planned.
    public let stepsTaken: Int
    public let totalSteps: Int
    /// Mean training loss over the epoch's steps so far.
    public let meanLoss: Double
    /// Training images per second over the epoch so far.
    public let imagesPerSecond: Double
}

/// The outcome of one epoch, also written as one JSON line of the metrics
/// file.
public struct EpochReport: Sendable, Codable, Equatable {
    public let epoch: Int
    public let epochs: Int
    /// Steps taken in the whole run by the end of this epoch.
    public let steps: Int
    /// Mean of the per-step mean losses.
    public let meanLoss: Double
    /// Accuracy on the validation split, nil when it is empty.
    public let validationAccuracy: Double?
    /// Training images per second, counting only the training steps.
    public let imagesPerSecond: Double
    /// Wall time of the epoch's training steps, in seconds.
    public let trainingSeconds: Double
    /// The learning rate of the epoch's last step.
    public let learningRate: Double

    enum CodingKeys: String, CodingKey {
        case epoch, epochs, steps
        case meanLoss = "loss"
        case validationAccuracy = "validation_accuracy"
        case imagesPerSecond = "images_per_s"
        case trainingSeconds = "train_s"
        case learningRate = "learning_rate"
    }
}
