import RealModule

/// The logits TensorFlow's `_compute_sampled_logits` builds for NCE and
/// sampled softmax, and the sparse backward pass through them. Shared by
/// ``NCELoss`` and ``SampledSoftmaxLoss``.
///
/// Row b has T + S columns: first its T true classes, then the S sampled
/// classes shared by the batch. Column j holding class k has logit
/// `x_b·W[k] + b[k] − log Q(k)`, where Q is the expected count; with
/// accidental-hit removal, a sampled class equal to one of the row's true
/// classes also gets `−Float.greatestFiniteMagnitude` added.
@usableFromInline
struct SampledLogits<T: Real & BinaryFloatingPoint> {
    @usableFromInline let classCount: Int
    @usableFromInline let dim: Int
    @usableFromInline let numTrue: Int
    @usableFromInline let numSampled: Int
    @usableFromInline let maxBatch: Int
    @usableFromInline let removeAccidentalHits: Bool
    /// Logits of the last forward pass, maxBatch × (T+S).
    @usableFromInline var values: [T]
    /// Gradient of the loss with respect to `values`, written by the loss.
    @usableFromInline var gradients: [T]
    /// −log Q of each sampled class in the last forward pass (S values).
    @usableFromInline var sampledLogQ: [T]
    /// Batch of the last forward pass; 0 before any.
    @usableFromInline var batch: Int

    @usableFromInline var width: Int { numTrue + numSampled }

    @usableFromInline
    init(
        classCount: Int, dim: Int, numTrue: Int, numSampled: Int, maxBatch: Int,
        removeAccidentalHits: Bool
    ) throws(SampledLossError) {
        for (what, value) in [
            ("num_classes", classCount), ("dim", dim), ("num_true", numTrue),
            ("num_sampled", numSampled), ("max_batch", maxBatch),
        ] where value < 1 {
            throw .countTooSmall(what: what, minimum: 1, found: value)
        }
        self.classCount = classCount
        self.dim = dim
        self.numTrue = numTrue
        self.numSampled = numSampled
        self.maxBatch = maxBatch
        self.removeAccidentalHits = removeAccidentalHits
        values = Array(repeating: 0, count: maxBatch * (numTrue + numSampled))
        gradients = values
        sampledLogQ = Array(repeating: 0, count: numSampled)
        batch = 0
    }

    /// Checks sizes and class ids, so the pointer loops never leave their
    /// buffers even in unchecked builds.
    @inlinable
    func validate(labels: UnsafePointer<Int32>, sample: CandidateSample, batch: Int) throws(SampledLossError) {
        guard batch >= 1 else { throw .countTooSmall(what: "batch", minimum: 1, found: batch) }
        guard batch <= maxBatch else { throw .batchTooLarge(batch: batch, maxBatch: maxBatch) }
        guard sample.numSampled == numSampled else {
            throw .sampleSizeMismatch(expected: numSampled, found: sample.numSampled)
        }
        for i in 0..<(batch * numTrue) where labels[i] < 0 || Int(labels[i]) >= classCount {
            throw .classOutOfRange(what: "labels", index: i, classID: Int(labels[i]), classCount: classCount)
        }
        for (i, k) in sample.classes.enumerated() where k < 0 || Int(k) >= classCount {
            throw .classOutOfRange(what: "sampled", index: i, classID: Int(k), classCount: classCount)
        }
    }

    /// Fills `values` for `batch` rows.
    // inputs (B,D), weights (C,D), biases (C), labels (B,T), trueExpectedCounts (B,T) -> values (B,T+S)
    @inlinable
    mutating func compute(
        inputs: UnsafePointer<T>, weights: UnsafePointer<T>, biases: UnsafePointer<T>,
        labels: UnsafePointer<Int32>, trueExpectedCounts: UnsafePointer<Float>,
        sample: CandidateSample, batch: Int
    ) throws(SampledLossError) {
        try validate(labels: labels, sample: sample, batch: batch)
        self.batch = batch
        let (dim, numTrue, numSampled, width) = (dim, numTrue, numSampled, width)
        let removeHits = removeAccidentalHits
        // TensorFlow adds the single-precision constant whatever the logit type.
        let hit = T(-Float.greatestFiniteMagnitude)
        sample.classes.withUnsafeBufferPointer { sampled in
            sampledLogQ.withUnsafeMutableBufferPointer { logQ in
                for s in 0..<numSampled {
                    logQ[s] = T.log(T(sample.expectedCounts[s]))
                }
                values.withUnsafeMutableBufferPointer { out in
                    for b in 0..<batch {
                        let x = inputs + b * dim
                        let row = out.baseAddress! + b * width
                        let rowLabels = labels + b * numTrue
                        for t in 0..<numTrue {
                            let k = Int(rowLabels[t])
                            let z = VectorKernels.dot(x, weights + k * dim, dim) + biases[k]
                            row[t] = z - T.log(T(trueExpectedCounts[b * numTrue + t]))
                        }
                        for s in 0..<numSampled {
                            let k = Int(sampled[s])
                            var z = VectorKernels.dot(x, weights + k * dim, dim) + biases[k]
                            if removeHits {
                                for t in 0..<numTrue where rowLabels[t] == sampled[s] {
                                    z += hit
                                    break
                                }
                            }
                            row[numTrue + s] = z - logQ[s]
                        }
                    }
                }
            }
        }
    }

    /// Back-propagates `gradients` (already scaled by the loss) to the inputs
    /// and to the rows of the weights and biases of the true and sampled
    /// classes. Overwrites dInputs; adds into dWeights and dBiases.
    // gradients (B,T+S), inputs (B,D), weights (C,D) -> dInputs (B,D), dWeights (C,D) +=, dBiases (C) +=
    @inlinable
    func backpropagate(
        dInputs: UnsafeMutablePointer<T>, dWeights: UnsafeMutablePointer<T>,
        dBiases: UnsafeMutablePointer<T>, inputs: UnsafePointer<T>, weights: UnsafePointer<T>,
        labels: UnsafePointer<Int32>, sample: CandidateSample
    ) {
        let (dim, numTrue, width) = (dim, numTrue, width)
        sample.classes.withUnsafeBufferPointer { sampled in
            gradients.withUnsafeBufferPointer { grads in
                for b in 0..<batch {
                    let x = inputs + b * dim
                    let dx = dInputs + b * dim
                    for d in 0..<dim { dx[d] = 0 }
                    for j in 0..<width {
                        let g = grads[b * width + j]
                        // Removed accidental hits have exactly zero gradient.
                        if g == 0 { continue }
                        let k = j < numTrue ? Int(labels[b * numTrue + j]) : Int(sampled[j - numTrue])
                        VectorKernels.axpy(g, weights + k * dim, dx, dim)
                        VectorKernels.axpy(g, x, dWeights + k * dim, dim)
                        dBiases[k] += g
                    }
                }
            }
        }
    }
}
