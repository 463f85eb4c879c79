import CNumericKernels
import SampledLosses

/// Dropout as TensorFlow's `tf.nn.dropout(x, rate)` defines it: in training
/// each unit is kept with probability 1 − rate and scaled by 1 / (1 − rate),
/// and dropped units are exactly zero; at inference the layer is the
/// identity.
///
/// The mask comes from the caller's generator, one uniform draw per unit in
/// index order (unit i uses the low 32 bits of output i/2 of the generator
/// when i is even and the high 32 bits when odd; u = bits / 2³², kept when
/// u ≥ rate, as TensorFlow keeps `uniform >= rate`), so a generator state
/// gives one mask on every platform. The mask is stored in a buffer the
/// layer owns (allocated once for `maxCount` units), and backward applies
/// it to the gradient.
public final class Dropout<T: NetworkScalar> {
    /// The probability of dropping a unit, in [0, 1).
    public let rate: Double
    /// The most units a call may take.
    public let maxCount: Int
    /// What a kept unit is multiplied by: `T(1 / (1 − rate))`.
    public let scale: T
    /// Per unit of the last mask: `scale` if kept, 0 if dropped.
    public let mask: UnsafeMutablePointer<T>
    /// Units covered by the last mask (0 before the first).
    public var maskCount: Int { drawnCount }
    @usableFromInline var drawnCount = 0
    /// Units with u < threshold / 2³² are dropped: threshold = ⌈rate · 2³²⌉.
    @usableFromInline let threshold: UInt64
    /// (⌈maxCount / 2⌉): the generator outputs of the last mask.
    @usableFromInline let draws: UnsafeMutablePointer<UInt64>

    /// - Precondition: `0 ≤ rate < 1`, `maxCount ≥ 0`.
    public init(rate: Double, maxCount: Int) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got \(rate)")
        precondition(maxCount >= 0, "maxCount must not be negative")
        self.rate = rate
        self.maxCount = maxCount
        scale = T(1 / (1 - rate))
        threshold = UInt64((rate * 0x1p32).rounded(.up))
        mask = .allocate(capacity: max(1, maxCount))
        mask.initialize(repeating: 0, count: max(1, maxCount))
        draws = .allocate(capacity: max(1, (maxCount + 1) / 2))
        draws.initialize(repeating: 0, count: max(1, (maxCount + 1) / 2))
    }

    deinit {
        mask.deallocate()
        draws.deallocate()
    }

    /// Draws a new mask for `count` units from `generator`
    /// (⌈count / 2⌉ outputs; none when `rate` is 0, which keeps every unit).
    ///
    /// - Precondition: `0 ≤ count ≤ maxCount`.
    @inlinable
    public func drawMask<G: RandomNumberGenerator>(count: Int, using generator: inout G) {
        precondition(count >= 0 && count <= maxCount, "count \(count) outside 0...\(maxCount)")
        drawnCount = count
        guard threshold > 0 else {
            mask.update(repeating: scale, count: count)
            return
        }
        // Inlinable, so that the caller's generator is known here (a generic
        // loop would dispatch every draw). The draws are stored first and
        // turned into the mask by a separate loop: comparing and choosing
        // while drawing compiles to a branch that random bits mispredict
        // half the time.
        for j in 0..<((count + 1) / 2) { draws[j] = generator.next() }
        makeMask(count: count)
    }

    /// mask[i] = `scale` or 0 for i < count from the stored draws.
    @usableFromInline
    func makeMask(count: Int) {
        if T.self == Float.self {
            mnist_nce_dropout_mask_f32(asFloat(mask), draws, count, threshold, asFloat(scale))
            return
        }
        for i in 0..<count {
            let u = i % 2 == 0 ? draws[i / 2] & 0xFFFF_FFFF : draws[i / 2] >> 32
            mask[i] = u >= threshold ? scale : 0
        }
    }

    /// `out = inp` where the mask keeps a unit, times `scale`; 0 where it
    /// drops one. `out` may be `inp` (in place).
    ///
    /// - Precondition: `count ≤ maskCount`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func applyMask(out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, count: Int) {
        precondition(count >= 0 && count <= maskCount, "count \(count) exceeds the mask's \(maskCount)")
        if T.self == Float.self {
            mnist_nce_dropout_apply_f32(asFloat(out), asFloat(inp), asFloat(mask), count)
            return
        }
        for i in 0..<count {
            let m = mask[i]
            out[i] = m == 0 ? 0 : inp[i] * m
        }
    }

    /// Training: draws a mask for `count` units and applies it.
    /// inp and out are (count); `out` may be `inp`.
    @inlinable
    public func forward<G: RandomNumberGenerator>(
        out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, count: Int, using generator: inout G
    ) {
        drawMask(count: count, using: &generator)
        applyMask(out: out, inp: inp, count: count)
    }

    /// The gradient of `forward` with the stored mask: `dinp = dout · mask`.
    /// dout and dinp are (count); `dinp` may be `dout`.
    public func backward(dinp: UnsafeMutablePointer<T>, dout: UnsafePointer<T>, count: Int) {
        applyMask(out: dinp, inp: dout, count: count)
    }

    /// Inference: the identity (`out = inp`; nothing to do when they are
    /// the same buffer).
    public static func inference(out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, count: Int) {
        if UnsafePointer(out) != inp { out.update(from: inp, count: count) }
    }
}
