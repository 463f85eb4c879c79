import RealModule

/// What the softmax of a network's logits says about a split beyond its
/// argmax: the mean negative log-likelihood of the labels, the expected
/// calibration error, and the mean and spread of the log partition
/// function log Z = log Σ_k exp(logit_k).
///
/// Images are added one at a time, so a split of any size takes a fixed
/// amount of memory. Every sum is kept in Double and every softmax is
/// computed through log-sum-exp (the largest logit subtracted first), so
/// logits in the thousands neither overflow nor lose the small terms.
public struct SoftmaxStatistics: Sendable, Equatable {
    /// The number of equal-width confidence bins of `expectedCalibrationError`.
    public static let defaultBinCount = 15

    /// Images added.
    public private(set) var count = 0
    /// Images whose label is one of the model's classes (the others have
    /// no likelihood and are left out of `meanNegativeLogLikelihood`).
    public private(set) var labelledCount = 0
    private var negativeLogLikelihoodSum = 0.0
    // Welford's running mean and sum of squared deviations of log Z.
    private var logPartitionRunningMean = 0.0
    private var logPartitionSquaredDeviations = 0.0
    // Per confidence bin: images, correct predictions, summed confidence.
    private var binCounts: [Int]
    private var binCorrect: [Int]
    private var binConfidence: [Double]

    /// - Precondition: `bins` ≥ 1.
    public init(bins: Int = defaultBinCount) {
        precondition(bins >= 1)
        binCounts = [Int](repeating: 0, count: bins)
        binCorrect = [Int](repeating: 0, count: bins)
        binConfidence = [Double](repeating: 0, count: bins)
    }

    /// Adds one image from its `classes` logits.
    ///
    /// The prediction is the argmax, ties to the lowest class (as
    /// `Network.predict`); its softmax probability is the confidence.
    ///
    /// Logits that are NaN or infinite (finite weights can still overflow
    /// Float) make the figures NaN but never trap.
    ///
    /// - Precondition: `classes` ≥ 1.
    public mutating func add<T: BinaryFloatingPoint>(logits: UnsafePointer<T>, classes: Int, label: Int) {
        precondition(classes >= 1)
        var best = 0
        for k in 1..<classes where logits[k] > logits[best] { best = k }
        let top = Double(logits[best])
        var sum = 0.0
        for k in 0..<classes { sum += Double.exp(Double(logits[k]) - top) }
        // sum ≥ 1 (the top term is exp(0)), so its logarithm is finite.
        let logPartition = top + Double.log(sum)

        count += 1
        let delta = logPartition - logPartitionRunningMean
        logPartitionRunningMean += delta / Double(count)
        logPartitionSquaredDeviations += delta * (logPartition - logPartitionRunningMean)

        if (0..<classes).contains(label) {
            labelledCount += 1
            negativeLogLikelihoodSum += logPartition - Double(logits[label])
        }

        let confidence = 1 / sum
        let bin = Self.bin(of: confidence, count: binCounts.count)
        binCounts[bin] += 1
        binConfidence[bin] += confidence
        if best == label { binCorrect[bin] += 1 }
    }

    /// Adds one image from its logits given as an array.
    ///
    /// - Precondition: `logits` is not empty and holds no NaN.
    public mutating func add(logits: [Double], label: Int) {
        precondition(!logits.isEmpty)
        logits.withUnsafeBufferPointer { add(logits: $0.baseAddress!, classes: $0.count, label: label) }
    }

    /// The bin of a confidence in (0, 1]: bin b of n covers (b/n, (b+1)/n],
    /// the convention of Guo et al. (2017), so a confidence on a boundary
    /// goes to the lower bin and 1 to the last. A NaN confidence (from
    /// non-finite logits) goes to the first bin.
    static func bin(of confidence: Double, count: Int) -> Int {
        guard !confidence.isNaN else { return 0 }
        let upper = (confidence * Double(count)).rounded(.up)
        return min(count - 1, max(0, Int(upper) - 1))
    }

    /// Mean over the labelled images of −log softmax(logits)[label], in
    /// nats; 0 when there are none.
    public var meanNegativeLogLikelihood: Double {
        labelledCount > 0 ? negativeLogLikelihoodSum / Double(labelledCount) : 0
    }

    /// Σ_bins (n_b / N) · |accuracy_b − mean confidence_b| over the
    /// equal-width bins of the top softmax probability; 0 when empty.
    public var expectedCalibrationError: Double {
        guard count > 0 else { return 0 }
        var total = 0.0
        for b in binCounts.indices where binCounts[b] > 0 {
            let n = Double(binCounts[b])
            total += n / Double(count) * abs(Double(binCorrect[b]) / n - binConfidence[b] / n)
        }
        return total
    }

    /// Mean of log Z over the images; 0 when empty.
    public var logPartitionMean: Double { count > 0 ? logPartitionRunningMean : 0 }

    /// Standard deviation of log Z over the images, as a population (the
    /// split is the whole of what is described, so divided by N); 0 when
    /// empty.
    public var logPartitionStandardDeviation: Double {
        count > 0 ? (logPartitionSquaredDeviations / Double(count)).squareRoot() : 0
    }

    /// Images per confidence bin, lowest confidences first.
    public var binImageCounts: [Int] { binCounts }
}
