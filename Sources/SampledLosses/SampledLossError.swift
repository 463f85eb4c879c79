/// Errors from the candidate samplers and the loss operations. Each case
/// carries what was expected and what was found.
public enum SampledLossError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A count that must be at least `minimum` was smaller (`what` names it).
    case countTooSmall(what: String, minimum: Int, found: Int)
    /// Unique sampling asked for more distinct classes than can be drawn.
    case tooManyUniqueSamples(numSampled: Int, drawableClasses: Int)
    /// A class id (a label or a sampled class) lies outside `0..<classCount`.
    case classOutOfRange(what: String, index: Int, classID: Int, classCount: Int)
    /// A batch was larger than the operation was sized for at creation.
    case batchTooLarge(batch: Int, maxBatch: Int)
    /// `backward` was called with a batch other than the last `forward`'s.
    case batchMismatch(forward: Int, backward: Int)
    /// A sample holds a different number of classes than the operation expects.
    case sampleSizeMismatch(expected: Int, found: Int)
    /// A unigram count was negative or not finite.
    case invalidUnigramCount(index: Int, value: Double)
    /// Every unigram weight (count raised to the distortion) was zero.
    case zeroUnigramMass(classCount: Int)

    public var description: String {
        switch self {
        case let .countTooSmall(what, minimum, found):
            return "\(what) must be at least \(minimum), found \(found)"
        case let .tooManyUniqueSamples(numSampled, drawableClasses):
            return "unique sampling needs num_sampled <= the number of drawable classes "
                + "(\(drawableClasses)), found num_sampled = \(numSampled)"
        case let .classOutOfRange(what, index, classID, classCount):
            return "\(what)[\(index)] must be a class id in 0..<\(classCount), found \(classID)"
        case let .batchTooLarge(batch, maxBatch):
            return "batch must be at most \(maxBatch) (the size given at creation), found \(batch)"
        case let .batchMismatch(forward, backward):
            return "backward must use the batch of the last forward (\(forward)), found \(backward)"
        case let .sampleSizeMismatch(expected, found):
            return "the sample must hold num_sampled = \(expected) classes, found \(found)"
        case let .invalidUnigramCount(index, value):
            return "unigram counts must be finite and >= 0, found \(value) at index \(index)"
        case let .zeroUnigramMass(classCount):
            return "at least one of the \(classCount) unigram weights must be positive, all are zero"
        }
    }
}
