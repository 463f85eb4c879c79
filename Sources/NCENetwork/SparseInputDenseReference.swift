/// Plain loops over the dense input with the contract of `SparseInputDense`,
/// kept as the reference the sparse kernels are tested against.
///
/// Zero inputs are multiplied like any other, so the sums match the sparse
/// ones up to rounding.
public enum SparseInputDenseReference {
    /// `out = x · weight + bias`, overwritten.
    ///
    /// x is (B, C), weight is (C, OC), bias is (OC), out is (B, OC).
    public static func forward<T: NetworkScalar>(
        out: UnsafeMutablePointer<T>, x: UnsafePointer<T>,
        weight: UnsafePointer<T>, bias: UnsafePointer<T>?,
        batch: Int, inputs: Int, outputs: Int
    ) {
        for b in 0..<batch {
            for o in 0..<outputs {
                var sum: T = bias?[o] ?? 0
                for i in 0..<inputs { sum += x[b * inputs + i] * weight[i * outputs + o] }
                out[b * outputs + o] = sum
            }
        }
    }

    /// `dweight (+)= xᵀ · dout` and `dbias (+)= Σ_rows dout`: summed onto
    /// the buffers when `accumulate`, from zero otherwise; `dbias` nil is
    /// skipped.
    ///
    /// dout is (B, OC), x is (B, C), dweight is (C, OC), dbias is (OC).
    public static func backwardWeights<T: NetworkScalar>(
        dweight: UnsafeMutablePointer<T>, dbias: UnsafeMutablePointer<T>?,
        dout: UnsafePointer<T>, x: UnsafePointer<T>,
        batch: Int, inputs: Int, outputs: Int, accumulate: Bool
    ) {
        for i in 0..<inputs {
            for o in 0..<outputs {
                var sum: T = accumulate ? dweight[i * outputs + o] : 0
                for b in 0..<batch { sum += x[b * inputs + i] * dout[b * outputs + o] }
                dweight[i * outputs + o] = sum
            }
        }
        if let dbias {
            for o in 0..<outputs {
                var sum: T = accumulate ? dbias[o] : 0
                for b in 0..<batch { sum += dout[b * outputs + o] }
                dbias[o] = sum
            }
        }
    }
}
