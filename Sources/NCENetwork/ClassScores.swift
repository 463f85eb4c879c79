import RealModule

/// The output layer's verdict on one image: its logits, their softmax
/// probabilities and the predicted class.
public struct ClassScores: Sendable, Equatable {
    /// `embed · Wᵀ + b`, one per class.
    public let logits: [Double]
    /// `softmax(logits)`, computed in Double after subtracting the largest
    /// logit, so no term overflows; they sum to 1 within rounding.
    public let probabilities: [Double]
    /// The argmax of the logits, ties to the lowest class (as
    /// `Network.predict` decides).
    public let predictedClass: Int

    /// - Precondition: `logits` is not empty and holds no NaN.
    public init(logits: [Double]) {
        precondition(!logits.isEmpty)
        var best = 0
        for k in logits.indices.dropFirst() where logits[k] > logits[best] { best = k }
        let top = logits[best]
        let exponentials = logits.map { Double.exp($0 - top) }
        let total = exponentials.reduce(0, +)
        self.logits = logits
        probabilities = exponentials.map { $0 / total }
        predictedClass = best
    }
}
