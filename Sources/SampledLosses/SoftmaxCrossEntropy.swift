import RealModule

/// Full softmax cross-entropy over precomputed logits, forward and backward,
/// computed stably through log-sum-exp.
///
/// Each example's targets are 1/T on its T label columns (T = 1 is ordinary
/// one-hot classification), as `tf.nn.softmax_cross_entropy_with_logits`
/// with those targets. The logits themselves (X·Wᵀ + b) and the gradients
/// flowing from `dLogits` into X, W and b are computed elsewhere, by BLAS in
/// training or by ``DenseLogits`` as a reference.
///
/// Scratch for `maxBatch` rows is allocated once at creation; `forward` and
/// `backward` allocate nothing. Call `backward` after the `forward` of the
/// same batch and logits.
public struct SoftmaxCrossEntropy<T: Real & BinaryFloatingPoint> {
    /// The number of classes C (columns of the logits).
    public let classCount: Int
    /// The number of label columns per example, T.
    public let numTrue: Int
    /// The largest batch `forward` accepts.
    public let maxBatch: Int
    /// log Σ exp of each row in the last forward pass.
    @usableFromInline var logSumExp: [T]
    /// Batch of the last forward pass; 0 before any.
    @usableFromInline var batch: Int

    /// Creates the loss and its scratch.
    ///
    /// - Throws: ``SampledLossError/countTooSmall(what:minimum:found:)`` if any
    ///   size is below 1.
    public init(classCount: Int, numTrue: Int = 1, maxBatch: Int) throws(SampledLossError) {
        for (what, value) in [("num_classes", classCount), ("num_true", numTrue), ("max_batch", maxBatch)]
        where value < 1 {
            throw .countTooSmall(what: what, minimum: 1, found: value)
        }
        self.classCount = classCount
        self.numTrue = numTrue
        self.maxBatch = maxBatch
        logSumExp = Array(repeating: 0, count: maxBatch)
        batch = 0
    }

    /// Writes each example's loss to `losses` and returns their mean.
    ///
    /// - Throws: ``SampledLossError`` if `batch` is outside `1...maxBatch` or
    ///   a label is outside `0..<classCount`; nothing is written then.
    // logits (B,C), labels (B,T) -> losses (B)
    @inlinable @discardableResult
    public mutating func forward(
        losses: UnsafeMutablePointer<T>, logits: UnsafePointer<T>, labels: UnsafePointer<Int32>,
        batch: Int
    ) throws(SampledLossError) -> T {
        guard batch >= 1 else { throw .countTooSmall(what: "batch", minimum: 1, found: batch) }
        guard batch <= maxBatch else { throw .batchTooLarge(batch: batch, maxBatch: maxBatch) }
        let (classCount, numTrue) = (classCount, numTrue)
        for i in 0..<(batch * numTrue) where labels[i] < 0 || Int(labels[i]) >= classCount {
            throw .classOutOfRange(what: "labels", index: i, classID: Int(labels[i]), classCount: classCount)
        }
        self.batch = batch
        let target = 1 / T(numTrue)
        var total: T = 0
        logSumExp.withUnsafeMutableBufferPointer { lse in
            for b in 0..<batch {
                let row = logits + b * classCount
                lse[b] = VectorKernels.logSumExp(row, classCount)
                var trueSum: T = 0
                for t in 0..<numTrue { trueSum += row[Int(labels[b * numTrue + t])] }
                let loss = lse[b] - target * trueSum
                losses[b] = loss
                total += loss
            }
        }
        return total / T(batch)
    }

    /// Writes `scale` times the gradient of the summed per-example losses
    /// with respect to the logits (pass `1/batch` for the mean); overwrites
    /// `dLogits`, which may not alias `logits`.
    ///
    /// - Throws: ``SampledLossError/batchMismatch(forward:backward:)`` if
    ///   `batch` differs from the last `forward`'s (or there was none).
    // logits (B,C), labels (B,T) -> dLogits (B,C)
    @inlinable
    public func backward(
        dLogits: UnsafeMutablePointer<T>, logits: UnsafePointer<T>, labels: UnsafePointer<Int32>,
        batch: Int, scale: T
    ) throws(SampledLossError) {
        guard batch == self.batch else { throw .batchMismatch(forward: self.batch, backward: batch) }
        let (classCount, numTrue) = (classCount, numTrue)
        let targetStep = scale / T(numTrue)
        logSumExp.withUnsafeBufferPointer { lse in
            for b in 0..<batch {
                let row = logits + b * classCount
                let dRow = dLogits + b * classCount
                let shift = lse[b]
                for c in 0..<classCount { dRow[c] = scale * T.exp(row[c] - shift) }
                for t in 0..<numTrue { dRow[Int(labels[b * numTrue + t])] -= targetStep }
            }
        }
    }
}
