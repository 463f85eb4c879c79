import MNISTData

/// Accuracy, per-class accuracy and confusion matrix of a network on a
/// split, and what the softmax of its logits says (`softmax`).
public struct EvaluationResult: Sendable, Equatable {
    /// Images evaluated.
    public let count: Int
    /// Images whose predicted class equals the label.
    public let correct: Int
    /// `confusion[label][predicted]` counts, classes × classes.
    public let confusion: [[Int]]
    /// Negative log-likelihood, calibration and log partition of the
    /// softmax of `embed · Wᵀ + b` over the split.
    public let softmax: SoftmaxStatistics

    /// `correct / count`, a fraction in [0, 1]; 0 for an empty split.
    public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : 0 }

    /// For each class, the fraction of its images predicted correctly; nil
    /// for a class with no images.
    public var perClassAccuracy: [Double?] {
        confusion.enumerated().map { label, row in
            let total = row.reduce(0, +)
            return total > 0 ? Double(row[label]) / Double(total) : nil
        }
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
    /// of the confusion matrix and the negative log-likelihood (the data
    /// loader already rejects them). Memory does not grow with the split:
    /// the softmax figures are accumulated batch by batch.
    public func evaluate(_ images: ImageSet) -> EvaluationResult {
        let classes = network.configuration.classCount
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
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
                if label < classes { confusion[label][predicted] += 1 }
            }
        }
        return EvaluationResult(count: images.count, correct: correct, confusion: confusion, softmax: softmax)
    }
}
