import RealModule

/// Sampled softmax loss with TensorFlow's `tf.nn.sampled_softmax_loss`
/// semantics, forward and backward, over flat row-major buffers.
///
/// Each example takes a softmax over its T true and S sampled columns (the
/// logits of ``SampledLogits``) and the cross-entropy against targets 1/T on
/// the true columns. Accidental-hit removal is on by default, as in
/// TensorFlow.
///
/// Scratch for `maxBatch` rows is allocated once at creation; `forward` and
/// `backward` allocate nothing. Call `backward` after the `forward` of the
/// same batch, with the same labels and sample: it back-propagates through
/// the classes that `forward` recorded.
public struct SampledSoftmaxLoss<T: Real & BinaryFloatingPoint> {
    @usableFromInline var logits: SampledLogits<T>
    /// log Σ exp of each row's logits in the last forward pass.
    @usableFromInline var logSumExp: [T]

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
        removeAccidentalHits: Bool = true
    ) throws(SampledLossError) {
        logits = try SampledLogits(
            classCount: classCount, dim: dim, numTrue: numTrue, numSampled: numSampled,
            maxBatch: maxBatch, removeAccidentalHits: removeAccidentalHits)
        logSumExp = Array(repeating: 0, count: maxBatch)
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
            logSumExp.withUnsafeMutableBufferPointer { lse in
                for b in 0..<batch {
                    let row = values.baseAddress! + b * width
                    lse[b] = VectorKernels.logSumExp(row, width)
                    // Targets are zero on sampled columns, so only true columns
                    // enter the cross-entropy term.
                    var trueSum: T = 0
                    for t in 0..<numTrue { trueSum += row[t] }
                    let loss = lse[b] - target * trueSum
                    losses[b] = loss
                    total += loss
                }
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
                logSumExp.withUnsafeBufferPointer { lse in
                    for b in 0..<batch {
                        for j in 0..<width {
                            let p = T.exp(values[b * width + j] - lse[b])
                            grads[b * width + j] = scale * (j < numTrue ? p - target : p)
                        }
                    }
                }
            }
        }
        logits.backpropagate(
            dInputs: dInputs, dWeights: dWeights, dBiases: dBiases, inputs: inputs,
            weights: weights)
    }

}
