import RealModule

/// TensorFlow's log-uniform (Zipfian) sampler: class k is drawn with
/// probability `ln((k+2)/(k+1)) / ln(C+1)`, so small ids (frequent words in
/// a vocabulary sorted by frequency) are drawn most often.
public struct LogUniformSampler: CandidateSampler {
    public let classCount: Int
    @usableFromInline let logRange: Double

    /// Creates a sampler over `0..<classCount`.
    ///
    /// - Throws: ``SampledLossError/countTooSmall(what:minimum:found:)`` if
    ///   `classCount < 1`.
    public init(classCount: Int) throws(SampledLossError) {
        guard classCount >= 1 else {
            throw .countTooSmall(what: "num_classes", minimum: 1, found: classCount)
        }
        self.classCount = classCount
        logRange = Double.log(Double(classCount) + 1)
    }

    @inlinable
    public func probability(of classID: Int) -> Float {
        guard classID >= 0 && classID < classCount else { return 0 }
        let k = Double(classID)
        return Float(Double.log((k + 2) / (k + 1)) / logRange)
    }

    /// Draws `⌊exp(u·ln(C+1))⌋ − 1` for a uniform u in [0, 1), as TensorFlow
    /// does; a rounding that would give C is kept at C − 1.
    @inlinable
    public func drawClass(using generator: inout some RandomNumberGenerator) -> Int {
        let u = generator.nextUnitInterval()
        let value = Int(Double.exp(u * logRange)) - 1
        return min(value, classCount - 1)
    }
}
