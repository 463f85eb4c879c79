/// How a dense layer's weight matrix is stored.
public enum WeightLayout: Sendable, Equatable {
    /// (outputs, inputs): each output unit's weights are contiguous, as
    /// TensorFlow's `nce_weights` [num_classes, dim] and PyTorch's Linear.
    case outputMajor
    /// (inputs, outputs): each input's weights are contiguous, as
    /// TensorFlow's dense kernel; a non-zero input then adds one whole row.
    case inputMajor
}

/// A fully connected layer as a forward/backward pair over flat row-major
/// buffers.
///
/// The fast path goes through BLAS (`NetworkScalar.gemm`); `DenseReference`
/// holds plain loops with the same contract for the tests.
public enum Dense {
    /// `out = inp · Wᵀ + bias` for an output-major W (or `inp · W + bias` for
    /// an input-major one).
    ///
    /// inp is (B, C), weight is (OC, C) or (C, OC) by `layout`, bias is
    /// (OC), out is (B, OC). `out` is overwritten; `bias` may be nil.
    @inlinable
    public static func forward<T: NetworkScalar>(
        out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>,
        weight: UnsafePointer<T>, bias: UnsafePointer<T>?,
        batch: Int, inputs: Int, outputs: Int, layout: WeightLayout = .outputMajor
    ) {
        if let bias {
            // Seed every row with the bias so the product accumulates onto it
            // (beta = 1) instead of needing a second pass.
            for row in 0..<batch {
                (out + row * outputs).update(from: bias, count: outputs)
            }
        }
        let outputMajor = layout == .outputMajor
        T.gemm(
            transposeA: false, transposeB: outputMajor, m: batch, n: outputs, k: inputs,
            alpha: 1, a: inp, lda: inputs, b: weight, ldb: outputMajor ? inputs : outputs,
            beta: bias == nil ? 0 : 1, c: out, ldc: outputs)
    }

    /// Gradients of `forward`: `dinp` (overwritten; skipped when nil, as for
    /// a first layer), `dweight` and `dbias` (accumulated, or `dweight`
    /// overwritten when `accumulate` is false).
    ///
    /// dout is (B, OC), inp is (B, C), weight and dweight are (OC, C) or
    /// (C, OC) by `layout`, dinp is (B, C), dbias is (OC).
    @inlinable
    public static func backward<T: NetworkScalar>(
        dinp: UnsafeMutablePointer<T>?, dweight: UnsafeMutablePointer<T>,
        dbias: UnsafeMutablePointer<T>?, dout: UnsafePointer<T>,
        inp: UnsafePointer<T>, weight: UnsafePointer<T>,
        batch: Int, inputs: Int, outputs: Int, layout: WeightLayout = .outputMajor,
        accumulate: Bool = true
    ) {
        let outputMajor = layout == .outputMajor
        if let dinp {
            T.gemm(
                transposeA: false, transposeB: !outputMajor, m: batch, n: inputs, k: outputs,
                alpha: 1, a: dout, lda: outputs, b: weight, ldb: outputMajor ? inputs : outputs,
                beta: 0, c: dinp, ldc: inputs)
        }
        let beta: T = accumulate ? 1 : 0
        if outputMajor {
            T.gemm(
                transposeA: true, transposeB: false, m: outputs, n: inputs, k: batch,
                alpha: 1, a: dout, lda: outputs, b: inp, ldb: inputs,
                beta: beta, c: dweight, ldc: inputs)
        } else {
            T.gemm(
                transposeA: true, transposeB: false, m: inputs, n: outputs, k: batch,
                alpha: 1, a: inp, lda: inputs, b: dout, ldb: outputs,
                beta: beta, c: dweight, ldc: outputs)
        }
        if let dbias {
            for row in 0..<batch {
                let r = dout + row * outputs
                for o in 0..<outputs { dbias[o] += r[o] }
            }
        }
    }
}
