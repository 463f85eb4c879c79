/// A fully connected layer as a forward/backward pair over flat row-major
/// buffers, with the weight stored as `(outputs, inputs)`.
///
/// The fast path goes through BLAS (`NetworkScalar.gemm`); `DenseReference`
/// holds plain loops with the same contract for the tests.
public enum Dense {
    /// `out = inp · weightᵀ + bias`.
    ///
    /// inp is (B, C), weight is (OC, C), bias is (OC), out is (B, OC).
    /// `out` is overwritten. `bias` may be nil for a layer without one.
    @inlinable
    public static func forward<T: NetworkScalar>(
        out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>,
        weight: UnsafePointer<T>, bias: UnsafePointer<T>?,
        batch: Int, inputs: Int, outputs: Int
    ) {
        if let bias {
            // Seed every row with the bias so the product accumulates onto it
            // (beta = 1) instead of needing a second pass.
            for row in 0..<batch {
                (out + row * outputs).update(from: bias, count: outputs)
            }
        }
        T.gemm(
            transposeA: false, transposeB: true, m: batch, n: outputs, k: inputs,
            alpha: 1, a: inp, lda: inputs, b: weight, ldb: inputs,
            beta: bias == nil ? 0 : 1, c: out, ldc: outputs)
    }

    /// Gradients of `forward`: `dinp = dout · weight` (overwritten, skipped
    /// when nil, as for a first layer), `dweight += doutᵀ · inp` and
    /// `dbias += Σ_rows dout` (accumulated).
    ///
    /// dout is (B, OC), inp is (B, C), weight is (OC, C), dinp is (B, C),
    /// dweight is (OC, C), dbias is (OC).
    @inlinable
    public static func backward<T: NetworkScalar>(
        dinp: UnsafeMutablePointer<T>?, dweight: UnsafeMutablePointer<T>,
        dbias: UnsafeMutablePointer<T>?, dout: UnsafePointer<T>,
        inp: UnsafePointer<T>, weight: UnsafePointer<T>,
        batch: Int, inputs: Int, outputs: Int
    ) {
        if let dinp {
            T.gemm(
                transposeA: false, transposeB: false, m: batch, n: inputs, k: outputs,
                alpha: 1, a: dout, lda: outputs, b: weight, ldb: inputs,
                beta: 0, c: dinp, ldc: inputs)
        }
        T.gemm(
            transposeA: true, transposeB: false, m: outputs, n: inputs, k: batch,
            alpha: 1, a: dout, lda: outputs, b: inp, ldb: inputs,
            beta: 1, c: dweight, ldc: inputs)
        if let dbias {
            for row in 0..<batch {
                let r = dout + row * outputs
                for o in 0..<outputs { dbias[o] += r[o] }
            }
        }
    }
}
