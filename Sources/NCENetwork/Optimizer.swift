/// The update rules the trainer offers.
public enum OptimizerKind: String, Sendable, CaseIterable, Codable {
    /// Adam (Kingma & Ba) with bias correction, β₁ 0.9, β₂ 0.999, ε 1e-8.
    case adam
    /// Stochastic gradient descent with heavy-ball momentum 0.9.
    case sgd

    /// The names of the optimiser's state buffers, as checkpoints store
    /// them: Adam's two moments, or SGD's velocity.
    public var stateNames: [String] {
        switch self {
        case .adam: ["adam_m", "adam_v"]
        case .sgd: ["momentum"]
        }
    }
}

import CNumericKernels

/// An optimiser whose state mirrors the parameter layout, so a step is one
/// loop over the flat buffers.
///
/// Updates run with denormals flushed to zero, inputs and results (see
/// `mnist_nce_flush_denormals_begin`), as TensorFlow's CPU kernels do: a
/// moment that decays below Float's smallest normal becomes 0, which also
/// keeps the update at full speed (denormal arithmetic is several times
/// slower).
///
/// The loop is cut into chunks of `valuesPerPart` values, whatever the
/// thread count, which the threads of a `WorkerPool` claim as they go; the
/// update is elementwise, so the result does not depend on the split.
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

    /// The threads a step may use; nil runs on the caller.
    let pool: WorkerPool?

    /// Values per part of a split step, a multiple of 16 so that vector
    /// loops stay aligned: small enough that a step has many more parts
    /// than threads (25 for the default network), large enough that
    /// claiming a part costs little beside updating it.
    static var valuesPerPart: Int { 32_768 }

    public init(kind: OptimizerKind, layout: ParameterLayout, pool: WorkerPool? = nil) {
        self.kind = kind
        self.pool = pool
        first = ParameterArena(layout: layout)
        second = ParameterArena(layout: layout)
    }

    /// The names of the optimiser's state buffers, as stored in checkpoints:
    /// Adam's two moments, or SGD's velocity.
    public var stateNames: [String] { kind.stateNames }

    /// The state buffers, in the order of `stateNames`.
    var stateArenas: [ParameterArena<T>] {
        switch kind {
        case .adam: [first, second]
        case .sgd: [first]
        }
    }

    /// Sets the step count of a resumed run (the moments are set through
    /// `stateArenas`).
    func restore(stepCount: Int) {
        self.stepCount = stepCount
    }

    /// Applies one update with learning rate `rate` to `parameters` from
    /// `gradients` (same layout).
    public func step(parameters: ParameterArena<T>, gradients: ParameterArena<T>, rate: T) {
        finish(begin(rate: rate), parameters: parameters, gradients: gradients)
    }

    /// Starts a step with learning rate `rate`: counts it and returns its
    /// constants. A layer may then update its own tensor with
    /// `Update.fusedAdam` during its backward pass; `finish` updates the rest.
    public func begin(rate: T) -> Update {
        stepCount += 1
        // Bias correction folded into the step size and ε; the update
        // equals m̂ / (√v̂ + ε) on the bias-corrected moments.
        let t = T(stepCount)
        let correction1 = 1 - T.pow(beta1, t)
        let correction2 = 1 - T.pow(beta2, t)
        return Update(
            rate: rate, adamStep: rate * correction2.squareRoot() / correction1,
            adamEpsilon: epsilon * correction2.squareRoot())
    }

    /// One step's constants, from `begin`.
    public struct Update {
        let rate, adamStep, adamEpsilon: T
    }

    /// The moments and constants a layer needs to apply this step's Adam
    /// update to its own tensor as it computes its gradient; nil for SGD and
    /// for Double. The layer must round as `mnist_nce_adam_update_f32`.
    public func fusedAdam(_ update: Update) -> FusedAdam? {
        guard kind == .adam, T.self == Float.self else { return nil }
        return FusedAdam(
            first: UnsafeMutableRawPointer(first.base).assumingMemoryBound(to: Float.self),
            second: UnsafeMutableRawPointer(second.base).assumingMemoryBound(to: Float.self),
            constants: AdamConstants(
                beta1: Float(beta1), beta2: Float(beta2), stepSize: Float(update.adamStep),
                epsilon: Float(update.adamEpsilon)))
    }

    /// Applies step `update` to every value of `parameters` except those of
    /// `skipping` (a tensor its layer already updated with `fusedAdam`).
    public func finish(
        _ update: Update, parameters: ParameterArena<T>, gradients: ParameterArena<T>,
        skipping: ParameterLayout.Entry? = nil
    ) {
        let n = parameters.layout.totalCount
        var kernel = UpdateKernel(
            kind: kind, parameters: parameters.base, gradients: gradients.base,
            first: first.base, second: second.base, rate: update.rate,
            adamStep: update.adamStep, adamEpsilon: update.adamEpsilon,
            beta1: beta1, beta2: beta2, momentum: momentum)
        let skipped = skipping.map { $0.offset..<($0.offset + $0.count) } ?? n..<n
        kernel.pieces = (0..<skipped.lowerBound, skipped.upperBound..<n)
        kernel.chunk = Self.valuesPerPart
        // Only Float steps are split (Double is for tests).
        let parts = kernel.parts
        guard let pool, parts > 1, T.self == Float.self else {
            for part in 0..<parts { kernel.run(kernel.range(part)) }
            return
        }
        var floatKernel = unsafeBitCast(kernel, to: UpdateKernel<Float>.self)
        floatKernel.runSplit(parts: parts, pool: pool)
    }
}

/// A step's Adam update for one tensor, applied by the layer that computes
/// its gradient (see `Optimizer.fusedAdam`): the optimiser's moment arenas
/// (index them with the tensor's layout offset) and the step's constants.
public struct FusedAdam {
    public let first, second: UnsafeMutablePointer<Float>
    public let constants: AdamConstants
}

extension UpdateKernel where T == Float {
    /// Runs the update in `parts` chunks of `chunk` values on the pool's threads.
    mutating func runSplit(parts: Int, pool: WorkerPool) {
        withUnsafeMutablePointer(to: &self) { pointer in
            pool.run(parts: parts, context: UnsafeMutableRawPointer(pointer)) { context, part in
                guard let kernel = context?.assumingMemoryBound(to: UpdateKernel<Float>.self).pointee else { return }
                kernel.run(kernel.range(Int(part)))
            }
        }
    }
}

/// One step's update rule over the flat buffers. The threads of a step
/// share it; each is given a disjoint range and touches only those values.
struct UpdateKernel<T: NetworkScalar> {
    let kind: OptimizerKind
    let parameters, gradients, first, second: UnsafeMutablePointer<T>
    let rate, adamStep, adamEpsilon, beta1, beta2, momentum: T
    /// The two ranges of values to update (around a skipped tensor), and
    /// the values per part; each range is cut into parts on its own.
    var pieces = (0..<0, 0..<0)
    var chunk = 1

    /// Parts of the step: those of the first range, then of the second.
    var parts: Int { partCount(pieces.0) + partCount(pieces.1) }

    private func partCount(_ range: Range<Int>) -> Int { (range.count + chunk - 1) / chunk }

    /// The values of part `part`.
    func range(_ part: Int) -> Range<Int> {
        let firstParts = partCount(pieces.0)
        let piece = part < firstParts ? pieces.0 : pieces.1
        let start = piece.lowerBound + (part < firstParts ? part : part - firstParts) * chunk
        return start..<min(start + chunk, piece.upperBound)
    }

    func run(_ range: Range<Int>) {
        if T.self == Float.self {
            runVectorised(range)
        } else {
            runReference(range)
        }
    }

    /// The C kernels, for Float.
    private func runVectorised(_ range: Range<Int>) {
        func f(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
            UnsafeMutableRawPointer(pointer + range.lowerBound).assumingMemoryBound(to: Float.self)
        }
        func f(_ value: T) -> Float { Float(value) }
        switch kind {
        case .adam:
            mnist_nce_adam_update_f32(
                f(parameters), f(gradients), f(first), f(second), range.count,
                f(beta1), f(beta2), f(adamStep), f(adamEpsilon))
        case .sgd:
            mnist_nce_sgd_update_f32(f(parameters), f(gradients), f(first), range.count, f(momentum), f(rate))
        }
    }

    /// Plain loops: the Double path and the reference the C kernels are
    /// tested against. They run with denormals flushed to zero, as the
    /// kernels do.
    func runReference(_ range: Range<Int>) {
        let mode = mnist_nce_flush_denormals_begin()
        defer { mnist_nce_flush_denormals_end(mode) }
        let p = parameters, g = gradients, m = first, v = second
        switch kind {
        case .adam:
            let (b1, b2, stepSize, eps) = (beta1, beta2, adamStep, adamEpsilon)
            for i in range {
                let gi = g[i]
                let mi = b1 * m[i] + (1 - b1) * gi
                let vi = b2 * v[i] + (1 - b2) * gi * gi
                m[i] = mi
                v[i] = vi
                p[i] -= stepSize * mi / (vi.squareRoot() + eps)
            }
        case .sgd:
            let (mu, rate) = (momentum, rate)
            for i in range {
                let vi = mu * m[i] + g[i]
                m[i] = vi
                p[i] -= rate * vi
            }
        }
    }
}
