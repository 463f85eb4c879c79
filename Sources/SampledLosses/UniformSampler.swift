/// TensorFlow's uniform sampler: every class in `0..<classCount` has
/// probability `1/C`.
public struct UniformSampler: CandidateSampler {
    public let classCount: Int

    /// Creates a sampler over `0..<classCount`.
    ///
    /// - Throws: ``SampledLossError/countTooSmall(what:minimum:found:)`` if
    ///   `classCount < 1`.
    public init(classCount: Int) throws(SampledLossError) {
        guard classCount >= 1 else {
            throw .countTooSmall(what: "num_classes", minimum: 1, found: classCount)
        }
        self.classCount = classCount
    }

    @inlinable
    public func probability(of classID: Int) -> Float {
        guard classID >= 0 && classID < classCount else { return 0 }
        return Float(1 / Double(classCount))
    }

    @inlinable
    public func drawClass(using generator: inout some RandomNumberGenerator) -> Int {
        generator.nextIndex(below: classCount)
    }
}
