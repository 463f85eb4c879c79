import SampledLosses

/// The purposes a run draws random numbers for, each from its own stream
/// derived from the run's seed, so that one purpose's draws never shift
/// another's (dropout added to a model leaves its negatives unchanged) and
/// a stopped run resumes from a few saved states.
public enum RandomStream: UInt64, Sendable, CaseIterable {
    /// The parameters' starting values.
    case initialization = 1
    /// The order of the training images; one stream per epoch, so an
    /// epoch's order follows from the seed and the epoch alone.
    case order = 2
    /// The negatives of the sampled losses.
    case negatives = 3
    /// The dropout masks.
    case dropout = 4

    /// The generator of this stream for `seed` (and `index`, the epoch for
    /// `.order`).
    public func generator(seed: UInt64, index: UInt64 = 0) -> SeededGenerator {
        SeededGenerator(seed: seed, stream: rawValue, index: index)
    }
}
