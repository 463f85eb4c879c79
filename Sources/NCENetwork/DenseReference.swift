/// Plain-loop versions of `Dense.forward` and `Dense.backward`, with the same
/// shapes, layouts and accumulation rules, kept as the reference the fast
/// paths are tested against.
public enum DenseReference {
    /// Index of weight (output o, input i) under `layout`.
    @inlinable
    static func index(_ o: Int, _ i: Int, inputs: Int, outputs: Int, layout: WeightLayout) -> Int {
        layout == .outputMajor ? o * inputs + i : i * outputs + o
    }

    /// inp is (B, C), weight is (OC, C) or (C, OC), bias is (OC), out is (B, OC).
    public static func forward<T: NetworkScalar>(
        out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>,
        weight: UnsafePointer<T>, bias: UnsafePointer<T>?,
        batch: Int, inputs: Int, outputs: Int, layout: WeightLayout = .outputMajor
    ) {
        for b in 0..<batch {
            for o in 0..<outputs {
                var sum: T = bias?[o] ?? 0
                for i in 0..<inputs {
                    sum += inp[b * inputs + i] * weight[index(o, i, inputs: inputs, outputs: outputs, layout: layout)]
                }
                out[b * outputs + o] = sum
            }
        }
    }

    /// dout is (B, OC), inp is (B, C), weight and dweight are (OC, C) or
    /// (C, OC); dinp is overwritten, dweight and dbias accumulate (dweight
    /// is overwritten when `accumulate` is false).
    public static func backward<T: NetworkScalar>(
        dinp: UnsafeMutablePointer<T>?, dweight: UnsafeMutablePointer<T>,
        dbias: UnsafeMutablePointer<T>?, dout: UnsafePointer<T>,
        inp: UnsafePointer<T>, weight: UnsafePointer<T>,
        batch: Int, inputs: Int, outputs: Int, layout: WeightLayout = .outputMajor,
        accumulate: Bool = true
    ) {
        if let dinp {
            for b in 0..<batch {
                for i in 0..<inputs {
                    var sum: T = 0
                    for o in 0..<outputs {
                        sum += dout[b * outputs + o] * weight[index(o, i, inputs: inputs, outputs: outputs, layout: layout)]
                    }
                    dinp[b * inputs + i] = sum
                }
            }
        }
        for o in 0..<outputs {
            for i in 0..<inputs {
                var sum: T = 0
                for b in 0..<batch { sum += dout[b * outputs + o] * inp[b * inputs + i] }
                let w = index(o, i, inputs: inputs, outputs: outputs, layout: layout)
                dweight[w] = accumulate ? dweight[w] + sum : sum
            }
            if let dbias {
                var sum: T = 0
                for b in 0..<batch { sum += dout[b * outputs + o] }
                dbias[o] += sum
            }
        }
    }
}
