@testable import NCENetwork

/// Runs an `UpdateKernel` of `kind` over `range` of four arrays, which stay
/// in place for the whole run (the kernel keeps pointers to them);
/// `reference` runs its plain loop instead of the C kernel.
func runUpdateKernel(
    kind: OptimizerKind, parameters: inout [Float], gradients: inout [Float], first: inout [Float],
    second: inout [Float], rate: Float = 0, adamStep: Float = 0, adamEpsilon: Float = 0, beta1: Float = 0,
    beta2: Float = 0, momentum: Float = 0, over range: Range<Int>, reference: Bool = false
) {
    parameters.withUnsafeMutableBufferPointer { p in
        gradients.withUnsafeMutableBufferPointer { g in
            first.withUnsafeMutableBufferPointer { m in
                second.withUnsafeMutableBufferPointer { v in
                    let kernel = UpdateKernel<Float>(
                        kind: kind, parameters: p.baseAddress!, gradients: g.baseAddress!, first: m.baseAddress!,
                        second: v.baseAddress!, rate: rate, adamStep: adamStep, adamEpsilon: adamEpsilon,
                        beta1: beta1, beta2: beta2, momentum: momentum)
                    if reference { kernel.runReference(range) } else { kernel.run(range) }
                }
            }
        }
    }
}
