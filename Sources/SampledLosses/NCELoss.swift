import RealModule

/// Noise-contrastive estimation loss with TensorFlow's `tf.nn.nce_loss`
/// semantics, forward and backward, over flat row-major buffers.
///
/// Each example scores its T true classes and the S sampled classes (one
/// sample shared by the batch) with the logits described in ``SampledLogits``,
/// and sums the sigmoid cross-entropy of every column against the targets
/// 1/T (true columns) and 0 (sampled columns). Accidental-hit removal is off
/// by default, as in TensorFlow.
///
/// Scratch for `maxBatch` rows is allocated once at creation; `forward` and
/// `backward` allocate nothing. Call `backward` after the `forward` of the
/// same batch, with the same labels and sample: it back-propagates through
/// the classes that `forward` recorded.
public struct NCELoss<T: Real & BinaryFloatingPoint> {
    @usableFromInline var logits: SampledLogits<T>

    /// The number of classes C.
    public var classCount: Int { logits.classCount }
    /// The feature dimension D of inputs and weight rows.
    public var dim: Int { logits.dim }
    /// The number of true classes per example, T.
    public var numTrue: Int { logits.numTrue }
    /// The number of sampled classes, S.
    public var numSampled: Int { logits.numSampled }
    /// The largest batch `forward` accepts.
    public var maxBatch: Int { logits.maxBatch }

    /// Creates the loss and its scratch.
    ///
    /// - Throws: ``SampledLossError/countTooSmall(what:minimum:found:)`` if any
    ///   size is below 1.
    public init(
        classCount: Int, dim: Int, numTrue: Int = 1, numSampled: Int, maxBatch: Int,
        removeAccidentalHits: Bool = false
    ) throws(SampledLossError) {
        logits = try SampledLogits(
            classCount: classCount, dim: dim, numTrue: numTrue, numSampled: numSampled,
            maxBatch: maxBatch, removeAccidentalHits: removeAccidentalHits)
    }

    /// Writes each example's loss to `losses` and returns their mean.
    ///
    /// `trueExpectedCounts` holds the sampler's expected count of each label
    /// (see ``CandidateSampler/expectedCounts(of:count:numSampled:numTries:into:)``).
    ///
    /// - Throws: ``SampledLossError`` if `batch` is outside `1...maxBatch`,
    ///   the sample's size is not `numSampled`, or a label or sampled class is
    ///   outside `0..<classCount`; nothing is written then.
    // inputs (B,D), weights (C,D), biases (C), labels (B,T), trueExpectedCounts (B,T) -> losses (B)
    @inlinable @discardableResult
    public mutating func forward(
        losses: UnsafeMutablePointer<T>, inputs: UnsafePointer<T>, weights: UnsafePointer<T>,
        biases: UnsafePointer<T>, labels: UnsafePointer<Int32>,
        trueExpectedCounts: UnsafePointer<Float>, sample: CandidateSample, batch: Int
    ) throws(SampledLossError) -> T {
        try logits.compute(
            inputs: inputs, weights: weights, biases: biases, labels: labels,
            trueExpectedCounts: trueExpectedCounts, sample: sample, batch: batch)
        let (numTrue, width) = (logits.numTrue, logits.width)
        let target = 1 / T(numTrue)
        var total: T = 0
        logits.values.withUnsafeBufferPointer { values in
            for b in 0..<batch {
                let row = values.baseAddress! + b * width
                var loss: T = 0
                for j in 0..<width {
                    let x = row[j]
                    // max(x,0) − x·z + log1p(exp(−|x|)), with z = 0 on sampled
                    // columns so a removed hit's huge logit is never multiplied.
                    loss += max(x, 0) + T.log(onePlus: T.exp(-abs(x)))
                    if j < numTrue { loss -= x * target }
                }
                losses[b] = loss
                total += loss
            }
        }
        return total / T(batch)
    }

    /// Back-propagates `scale` times the gradient of the summed per-example
    /// losses (pass `1/batch` for the mean).
    ///
    /// Overwrites `dInputs`; ADDS into `dWeights` and `dBiases`, touching only
    /// the rows of the true and sampled classes, so the cost is
    /// O(B·(T+S)·D) whatever C is.
    ///
    /// - Throws: ``SampledLossError/batchMismatch(forward:backward:)`` if
    ///   `batch` differs from the last `forward`'s (or there was none).
    // inputs (B,D), weights (C,D), labels (B,T) -> dInputs (B,D), dWeights (C,D) +=, dBiases (C) +=
    @inlinable
    public mutating func backward(
        dInputs: UnsafeMutablePointer<T>, dWeights: UnsafeMutablePointer<T>,
        dBiases: UnsafeMutablePointer<T>, inputs: UnsafePointer<T>, weights: UnsafePointer<T>,
        labels: UnsafePointer<Int32>, sample: CandidateSample, batch: Int, scale: T
    ) throws(SampledLossError) {
        guard batch == logits.batch else { throw .batchMismatch(forward: logits.batch, backward: batch) }
        let (numTrue, width) = (logits.numTrue, logits.width)
        let target = 1 / T(numTrue)
        logits.values.withUnsafeBufferPointer { values in
            logits.gradients.withUnsafeMutableBufferPointer { grads in
                for i in 0..<(batch * width) {
                    let x = values[i]
                    let sigmoid = x >= 0 ? 1 / (1 + T.exp(-x)) : T.exp(x) / (1 + T.exp(x))
                    grads[i] = scale * (i % width < numTrue ? sigmoid - target : sigmoid)
                }
            }
        }
        logits.backpropagate(
            dInputs: dInputs, dWeights: dWeights, dBiases: dBiases, inputs: inputs,
            weights: weights)
    }
}
