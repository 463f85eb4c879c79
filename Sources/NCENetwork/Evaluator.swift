import MNISTData

/// How often one label was predicted as one class.
public struct Confusion: Sendable, Equatable, Hashable {
    /// The true class.
    public let label: Int
    /// The class predicted for it.
    public let predicted: Int
    /// Images with this label and this prediction, at least 1.
    public let count: Int

    public init(label: Int, predicted: Int, count: Int) {
        self.label = label
        self.predicted = predicted
        self.count = count
    }
}

/// Accuracy, per-class accuracy and confusions of a network on a split, and
/// what the softmax of its logits says (`softmax`).
///
/// Memory is bounded by the split, not by the classes: only the (label,
/// prediction) pairs that occurred are kept, so a model of a million
/// classes costs no more than one of ten. The full classes × classes
/// matrix is available only for at most `fullConfusionLimit` classes.
public struct EvaluationResult: Sendable, Equatable {
    /// The most classes for which `confusion` builds the full matrix.
    public static let fullConfusionLimit = 100

    /// Images evaluated.
    public let count: Int
    /// Images whose predicted class equals the label.
    public let correct: Int
    /// The model's number of classes.
    public let classCount: Int
    /// Every (label, predicted) pair that occurred, ordered by label, then
    /// prediction; labels outside the model's classes are left out.
    public let confusions: [Confusion]
    /// Negative log-likelihood, calibration and log partition of the
    /// softmax of `embed · Wᵀ + b` over the split.
    public let softmax: SoftmaxStatistics

    /// - Parameter confusions: the pairs that occurred, in any order.
    public init(count: Int, correct: Int, classCount: Int, confusions: [Confusion], softmax: SoftmaxStatistics) {
        self.count = count
        self.correct = correct
        self.classCount = classCount
        self.confusions = confusions.sorted { ($0.label, $0.predicted) < ($1.label, $1.predicted) }
        self.softmax = softmax
    }

    /// `correct / count`, a fraction in [0, 1]; 0 for an empty split.
    public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : 0 }

    /// `confusion[label][predicted]` counts, classes × classes, when there
    /// are at most `fullConfusionLimit` classes; nil otherwise.
    public var confusion: [[Int]]? {
        guard classCount <= Self.fullConfusionLimit else { return nil }
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for pair in confusions {
            matrix[pair.label][pair.predicted] += pair.count
        }
        return matrix
    }

    /// For each class that labels at least one image, in class order, the
    /// fraction of its images predicted correctly.
    public var perClassAccuracy: [(label: Int, accuracy: Double)] {
        var totals: [Int: (all: Int, right: Int)] = [:]
        for pair in confusions {
            let right = pair.label == pair.predicted ? pair.count : 0
            totals[pair.label, default: (0, 0)].all += pair.count
            totals[pair.label, default: (0, 0)].right += right
        }
        return totals.keys.sorted().map { label in
            let total = totals[label] ?? (1, 0)
            return (label, Double(total.right) / Double(total.all))
        }
    }

    /// The `limit` most frequent wrong predictions, most frequent first
    /// (ties by label, then prediction).
    public func mostFrequentConfusions(limit: Int) -> [Confusion] {
        Array(confusions.filter { $0.label != $0.predicted }
            .sorted { ($1.count, $0.label, $0.predicted) < ($0.count, $1.label, $1.predicted) }
            .prefix(max(0, limit)))
    }
}

/// Runs a network over a split in batches and scores its argmax predictions
/// of `embed · Wᵀ + b` and the softmax of those logits.
public struct Evaluator<T: NetworkScalar> {
    public let network: Network<T>

    public init(network: Network<T>) { self.network = network }

    /// Scores every image of `images`, in stored order.
    ///
    /// Labels outside the model's classes are counted as wrong and left out
    /// of the confusions and the negative log-likelihood (the data loader
    /// already rejects them). Memory does not grow with the number of
    /// classes, and grows with the split only by the distinct (label,
    /// prediction) pairs: the softmax figures are accumulated batch by batch.
    @_specialize(exported: true, where T == Float)
    public func evaluate(_ images: ImageSet) -> EvaluationResult {
        let classes = network.configuration.classCount
        // label × classes + predicted → count; classes ≤ 2²⁰, so no overflow.
        var pairs: [Int: Int] = [:]
        var correct = 0
        var softmax = SoftmaxStatistics()
        let source = BatchSource<T>(images: images, maxBatch: network.maxBatch)
        let predictions = UnsafeMutablePointer<Int32>.allocate(capacity: network.maxBatch)
        defer { predictions.deallocate() }
        for index in 0..<source.batchesPerEpoch {
            let rows = source.load(batch: index)
            // `predict` leaves the batch's logits in `network.logits`.
            network.predict(source.pixels, batch: rows, into: predictions)
            for row in 0..<rows {
                let label = Int(source.labels[row]), predicted = Int(predictions[row])
                softmax.add(logits: network.logits + row * classes, classes: classes, label: label)
                if label == predicted { correct += 1 }
                if label < classes { pairs[label * classes + predicted, default: 0] += 1 }
            }
        }
        let confusions = pairs.map { key, count in
            Confusion(label: key / classes, predicted: key % classes, count: count)
        }
        return EvaluationResult(
            count: images.count, correct: correct, classCount: classes, confusions: confusions, softmax: softmax)
    }
}
