/// Plain-loop versions of `Dense.forward` and `Dense.backward`, with the same
/// shapes and accumulation rules, kept as the reference the BLAS path is
/// tested against.
public enum DenseReference {
    /// inp is (B, C), weight is (OC, C), bias is (OC), out is (B, OC).
    public static func forward<T: NetworkScalar>(
        out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>,
        weight: UnsafePointer<T>, bias: UnsafePointer<T>?,
        batch: Int, inputs: Int, outputs: Int
    ) {
        for b in 0..<batch {
            for o in 0..<outputs {
                var sum: T = bias?[o] ?? 0
                for i in 0..<inputs { sum += inp[b * inputs + i] * weight[o * inputs + i] }
                out[b * outputs + o] = sum
            }
        }
    }

    /// dout is (B, OC), inp is (B, C), weight is (OC, C); dinp is overwritten,
    /// dweight and dbias accumulate.
    public static func backward<T: NetworkScalar>(
        dinp: UnsafeMutablePointer<T>?, dweight: UnsafeMutablePointer<T>,
        dbias: UnsafeMutablePointer<T>?, dout: UnsafePointer<T>,
        inp: UnsafePointer<T>, weight: UnsafePointer<T>,
        batch: Int, inputs: Int, outputs: Int
    ) {
        if let dinp {
            for b in 0..<batch {
                for i in 0..<inputs {
                    var sum: T = 0
                    for o in 0..<outputs { sum += dout[b * outputs + o] * weight[o * inputs + i] }
                    dinp[b * inputs + i] = sum
                }
            }
        }
        for o in 0..<outputs {
            for i in 0..<inputs {
                var sum: T = 0
                for b in 0..<batch { sum += dout[b * outputs + o] * inp[b * inputs + i] }
                dweight[o * inputs + i] += sum
            }
            if let dbias {
                var sum: T = 0
                for b in 0..<batch { sum += dout[b * outputs + o] }
                dbias[o] += sum
            }
        }
    }
}
