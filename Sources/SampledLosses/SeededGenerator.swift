/// A small, fast, seeded pseudo-random generator: xoshiro256** whose
/// 256-bit state is filled from the seed by SplitMix64.
///
/// The output stream depends only on the seed, never on the platform or the
/// Swift standard library version, so a run is repeatable anywhere. It is not
/// cryptographically secure. Pass it down explicitly as
/// `inout some RandomNumberGenerator`; there is no shared instance.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Creates a generator whose stream is fully determined by `seed`.
    ///
    /// Every seed, including 0, is valid: SplitMix64 never yields the all-zero
    /// state from which xoshiro could not escape.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// A generator for one purpose of a run: the stream numbered `stream`
    /// (and, within it, `index`, such as an epoch) derived from `seed`.
    ///
    /// Streams of one seed are unrelated to each other, so adding draws to
    /// one purpose never shifts another's.
    public init(seed: UInt64, stream: UInt64, index: UInt64 = 0) {
        var mixer = SplitMix64(state: seed)
        var derived = mixer.next()
        mixer = SplitMix64(state: derived ^ (stream &* 0xD1B5_4A32_D192_ED03))
        derived = mixer.next()
        mixer = SplitMix64(state: derived ^ (index &* 0x8CB9_2BA7_2F3D_8DD7))
        self.init(seed: mixer.next())
    }

    /// The raw xoshiro256** state, to save a generator and restore it with
    /// `init(rawState:)`.
    public var rawState: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// Creates a generator with the given raw xoshiro256** state.
    ///
    /// Meant for checking the generator against published reference outputs;
    /// the state must not be all zero (the stream would be zero forever).
    public init(rawState: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = rawState
    }

    /// Returns the next 64 uniformly distributed bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(by: 45)
        return result
    }
}

/// SplitMix64, used only to spread a 64-bit seed over the xoshiro state.
@usableFromInline
struct SplitMix64 {
    @usableFromInline var state: UInt64

    @usableFromInline
    init(state: UInt64) { self.state = state }

    @usableFromInline
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt64 {
    @inlinable
    func rotatedLeft(by k: UInt64) -> UInt64 {
        (self << k) | (self >> (64 &- k))
    }
}
