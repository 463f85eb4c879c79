/// One finished run of a sweep: what results.csv holds for it, and the
/// per-epoch figures of its metrics file.
public struct RunRecord: Sendable, Equatable {
    /// The configuration the run belongs to (model, loss, negatives).
    public var group: RunGroup
    public var seed: UInt64
    /// Fractions in [0, 1].
    public var testAccuracy: Double
    public var validationAccuracy: Double?
    /// Test-split figures of the softmax of the logits (see
    /// `SoftmaxStatistics` in NCENetwork).
    public var negativeLogLikelihood: Double
    public var expectedCalibrationError: Double
    public var logPartitionMean: Double
    public var logPartitionStandardDeviation: Double
    /// Seconds of training steps and training images per second, summed
    /// over the metrics file's epochs; nil without a metrics file.
    public var trainingSeconds: Double?
    public var imagesPerSecond: Double?
    /// Epochs the checkpoint holds.
    public var epochsTrained: Int
    /// Paths relative to the sweep's folder.
    public var checkpoint: String
    public var metrics: String?
    /// One entry per epoch of the metrics file, in order; empty without one.
    public var curve: [EpochPoint]

    public init(
        group: RunGroup, seed: UInt64, testAccuracy: Double, validationAccuracy: Double?,
        negativeLogLikelihood: Double, expectedCalibrationError: Double,
        logPartitionMean: Double, logPartitionStandardDeviation: Double,
        trainingSeconds: Double?, imagesPerSecond: Double?, epochsTrained: Int,
        checkpoint: String, metrics: String?, curve: [EpochPoint]
    ) {
        self.group = group
        self.seed = seed
        self.testAccuracy = testAccuracy
        self.validationAccuracy = validationAccuracy
        self.negativeLogLikelihood = negativeLogLikelihood
        self.expectedCalibrationError = expectedCalibrationError
        self.logPartitionMean = logPartitionMean
        self.logPartitionStandardDeviation = logPartitionStandardDeviation
        self.trainingSeconds = trainingSeconds
        self.imagesPerSecond = imagesPerSecond
        self.epochsTrained = epochsTrained
        self.checkpoint = checkpoint
        self.metrics = metrics
        self.curve = curve
    }
}

/// One epoch of a run's metrics file.
public struct EpochPoint: Sendable, Equatable {
    public var epoch: Int
    /// The epoch's mean training loss (each loss on its own scale).
    public var loss: Double
    public var validationAccuracy: Double?

    public init(epoch: Int, loss: Double, validationAccuracy: Double?) {
        self.epoch = epoch
        self.loss = loss
        self.validationAccuracy = validationAccuracy
    }
}

/// A configuration of a sweep: the runs that differ only in their seed.
///
/// Ordered by model, then NCE, sampled softmax and softmax, then the
/// number of negatives.
public struct RunGroup: Sendable, Hashable, Comparable {
    public var model: String
    /// "nce", "sampled-softmax" or "softmax".
    public var loss: String
    /// Negatives per step; nil for softmax, which has none.
    public var numSampled: Int?

    public init(model: String, loss: String, numSampled: Int?) {
        self.model = model
        self.loss = loss
        self.numSampled = loss == "softmax" ? nil : numSampled
    }

    public var isSoftmax: Bool { loss == "softmax" }

    /// "NCE, num_sampled 3", "sampled softmax, num_sampled 3" or "softmax".
    public var label: String {
        numSampled.map { "\(lossName), num_sampled \($0)" } ?? lossName
    }

    /// "NCE 3", "sampled softmax 3" or "softmax", for crowded places.
    public var shortLabel: String {
        numSampled.map { "\(lossName) \($0)" } ?? lossName
    }

    /// The loss as a person names it.
    public var lossName: String {
        switch loss {
        case "nce": "NCE"
        case "sampled-softmax": "sampled softmax"
        default: loss
        }
    }

    private var lossRank: Int {
        switch loss {
        case "nce": 0
        case "sampled-softmax": 1
        case "softmax": 2
        default: 3
        }
    }

    public static func < (a: RunGroup, b: RunGroup) -> Bool {
        if a.model != b.model { return a.model < b.model }
        if a.lossRank != b.lossRank { return a.lossRank < b.lossRank }
        if a.loss != b.loss { return a.loss < b.loss }
        return (a.numSampled ?? 0) < (b.numSampled ?? 0)
    }
}

extension RunGroup {
    /// "mlp-nce-s3", "mlp-softmax": a name for files and element ids.
    public var slug: String {
        "\(model)-\(loss)" + (numSampled.map { "-s\($0)" } ?? "")
    }
}
