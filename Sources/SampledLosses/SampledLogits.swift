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
    /// Class of every column of the last forward pass, maxBatch × (T+S):
    /// each row's labels, then the sample.
    @usableFromInline var classIDs: [Int32]
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
        classIDs = Array(repeating: 0, count: maxBatch * (numTrue + numSampled))
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
            classIDs.withUnsafeMutableBufferPointer { ids in
                for b in 0..<batch {
                    for t in 0..<numTrue { ids[b * width + t] = labels[b * numTrue + t] }
                    for s in 0..<numSampled { ids[b * width + numTrue + s] = sampled[s] }
                }
            }
            sampledLogQ.withUnsafeMutableBufferPointer { logQ in
                for s in 0..<numSampled {
                    logQ[s] = T.log(T(sample.expectedCounts[s]))
                }
                values.withUnsafeMutableBufferPointer { out in
                    classIDs.withUnsafeBufferPointer { ids in
                        ClassRowProducts.dots(
                            out: out.baseAddress!, inputs: inputs, weights: weights, classes: ids.baseAddress!,
                            dim: dim, width: width, rows: 0..<batch)
                    }
                    for b in 0..<batch {
                        let row = out.baseAddress! + b * width
                        let rowLabels = labels + b * numTrue
                        for t in 0..<numTrue {
                            let k = Int(rowLabels[t])
                            let z = row[t] + biases[k]
                            row[t] = z - T.log(T(trueExpectedCounts[b * numTrue + t]))
                        }
                        for s in 0..<numSampled {
                            let k = Int(sampled[s])
                            var z = row[numTrue + s] + biases[k]
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
    /// and to the rows of the weights and biases of the classes of the last
    /// forward pass. Overwrites dInputs; adds into dWeights and dBiases.
    // gradients (B,T+S), inputs (B,D), weights (C,D) -> dInputs (B,D), dWeights (C,D) +=, dBiases (C) +=
    @inlinable
    func backpropagate(
        dInputs: UnsafeMutablePointer<T>, dWeights: UnsafeMutablePointer<T>,
        dBiases: UnsafeMutablePointer<T>, inputs: UnsafePointer<T>, weights: UnsafePointer<T>
    ) {
        let (dim, width, batch) = (dim, width, batch)
        gradients.withUnsafeBufferPointer { grads in
            classIDs.withUnsafeBufferPointer { ids in
                ClassRowProducts.inputGradient(
                    dInputs: dInputs, gradients: grads.baseAddress!, weights: weights, classes: ids.baseAddress!,
                    dim: dim, width: width, rows: 0..<batch)
                ClassRowProducts.weightGradient(
                    dWeights: dWeights, dBiases: dBiases, gradients: grads.baseAddress!, inputs: inputs,
                    classes: ids.baseAddress!, dim: dim, width: width, batch: batch, columns: 0..<dim)
            }
        }
    }
}
