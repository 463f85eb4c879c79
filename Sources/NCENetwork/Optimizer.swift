/// The update rules the trainer offers.
public enum OptimizerKind: String, Sendable, CaseIterable, Codable {
    /// Adam (Kingma & Ba) with bias correction, β₁ 0.9, β₂ 0.999, ε 1e-8.
    case adam
    /// Stochastic gradient descent with heavy-ball momentum 0.9.
    case sgd
}

/// An optimiser whose state mirrors the parameter layout, so a step is one
/// loop over the flat buffers.
public final class Optimizer<T: NetworkScalar> {
    public let kind: OptimizerKind
    /// Adam's first moment, or SGD's velocity.
    let first: ParameterArena<T>
    /// Adam's second moment (unused by SGD).
    let second: ParameterArena<T>
    /// Steps taken, for Adam's bias correction.
    public private(set) var stepCount = 0

    public let beta1: T = 0.9
    public let beta2: T = 0.999
    public let epsilon: T = 1e-8
    public let momentum: T = 0.9

    public init(kind: OptimizerKind, layout: ParameterLayout) {
        self.kind = kind
        first = ParameterArena(layout: layout)
        second = ParameterArena(layout: layout)
    }

    /// Applies one update with learning rate `rate` to `parameters` from
    /// `gradients` (same layout).
    public func step(parameters: ParameterArena<T>, gradients: ParameterArena<T>, rate: T) {
        stepCount += 1
        let n = parameters.layout.totalCount
        let p = parameters.base, g = gradients.base
        let m = first.base, v = second.base
        switch kind {
        case .adam:
            // Bias correction folded into the step size and ε; the update
            // equals m̂ / (√v̂ + ε) on the bias-corrected moments.
            let t = T(stepCount)
            let correction1 = 1 - T.pow(beta1, t)
            let correction2 = 1 - T.pow(beta2, t)
            let stepSize = rate * correction2.squareRoot() / correction1
            let epsHat = epsilon * correction2.squareRoot()
            let b1 = beta1, b2 = beta2
            for i in 0..<n {
                let gi = g[i]
                let mi = b1 * m[i] + (1 - b1) * gi
                let vi = b2 * v[i] + (1 - b2) * gi * gi
                m[i] = mi
                v[i] = vi
                p[i] -= stepSize * mi / (vi.squareRoot() + epsHat)
            }
        case .sgd:
            let mu = momentum
            for i in 0..<n {
                let vi = mu * m[i] + g[i]
                m[i] = vi
                p[i] -= rate * vi
            }
        }
    }
}
