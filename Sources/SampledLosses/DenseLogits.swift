/// Plain reference loops for a dense output layer, logits = X·Wᵀ + b, and its
/// backward pass. They are the ground truth the loss benchmark's BLAS path is
/// compared with (and its fallback), and give the bits the network's output
/// layer (``ClassRowProducts`` over every class) must reproduce; they are
/// not tuned.
public enum DenseLogits {
    /// Writes logits[b,c] = X[b]·W[c] + bias[c].
    // inputs (B,D), weights (C,D), biases (C) -> logits (B,C)
    @inlinable
    public static func forward<T: BinaryFloatingPoint>(
        logits: UnsafeMutablePointer<T>, inputs: UnsafePointer<T>, weights: UnsafePointer<T>,
        biases: UnsafePointer<T>, batch: Int, dim: Int, classCount: Int
    ) {
        // Class-major order reads each weight row once while the small
        // input block stays in cache.
        for c in 0..<classCount {
            let w = weights + c * dim
            for b in 0..<batch {
                logits[b * classCount + c] = VectorKernels.dot(inputs + b * dim, w, dim) + biases[c]
            }
        }
    }

    /// Back-propagates dLogits: overwrites `dInputs` with dLogits·W and ADDS
    /// dLogitsᵀ·X into `dWeights` and the column sums of dLogits into
    /// `dBiases`.
    // dLogits (B,C), inputs (B,D), weights (C,D) -> dInputs (B,D), dWeights (C,D) +=, dBiases (C) +=
    @inlinable
    public static func backward<T: BinaryFloatingPoint>(
        dInputs: UnsafeMutablePointer<T>, dWeights: UnsafeMutablePointer<T>,
        dBiases: UnsafeMutablePointer<T>, dLogits: UnsafePointer<T>, inputs: UnsafePointer<T>,
        weights: UnsafePointer<T>, batch: Int, dim: Int, classCount: Int
    ) {
        for i in 0..<(batch * dim) { dInputs[i] = 0 }
        // Class-major order touches each row of W and dW once.
        for c in 0..<classCount {
            let w = weights + c * dim
            let dw = dWeights + c * dim
            for b in 0..<batch {
                let g = dLogits[b * classCount + c]
                VectorKernels.axpy(g, w, dInputs + b * dim, dim)
                VectorKernels.axpy(g, inputs + b * dim, dw, dim)
                dBiases[c] += g
            }
        }
    }
}
