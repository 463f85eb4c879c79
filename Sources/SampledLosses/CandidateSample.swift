/// One draw of sampled (negative) classes, shared by a whole batch, with the
/// sampler's expected count for each and the number of tries it took.
///
/// Create it once with the sizes of the training run and refill it every step
/// with ``CandidateSampler/sample(into:unique:using:)``; refilling does not
/// allocate.
public struct CandidateSample: Sendable {
    /// The number of sampled classes, S.
    public let numSampled: Int
    /// The sampled class ids (S values).
    @inlinable public var classes: [Int32] { storedClasses }
    /// The expected count of each sampled class (S values), as TensorFlow's
    /// `sampled_expected_count`.
    @inlinable public var expectedCounts: [Float] { storedExpectedCounts }
    /// How many draws were made to obtain the sample: S unless unique sampling
    /// rejected repeats.
    @inlinable public var numTries: Int { storedNumTries }

    @usableFromInline var storedClasses: [Int32]
    @usableFromInline var storedExpectedCounts: [Float]
    @usableFromInline var storedNumTries: Int
    /// One flag per class marking what the current unique draw already holds;
    /// all false between draws.
    @usableFromInline var seen: [Bool]

    /// Creates an empty sample for `numSampled` classes out of `classCount`.
    ///
    /// - Throws: ``SampledLossError/countTooSmall(what:minimum:found:)`` if
    ///   `numSampled < 1` or `classCount < 1`.
    public init(numSampled: Int, classCount: Int) throws(SampledLossError) {
        guard numSampled >= 1 else {
            throw .countTooSmall(what: "num_sampled", minimum: 1, found: numSampled)
        }
        guard classCount >= 1 else {
            throw .countTooSmall(what: "num_classes", minimum: 1, found: classCount)
        }
        self.numSampled = numSampled
        storedClasses = Array(repeating: 0, count: numSampled)
        storedExpectedCounts = Array(repeating: 0, count: numSampled)
        storedNumTries = 0
        seen = Array(repeating: false, count: classCount)
    }

    /// Wraps a sample drawn elsewhere (for example by TensorFlow) so it can be
    /// fed to the losses. Sampling into it later sizes its scratch once.
    ///
    /// - Throws: ``SampledLossError/countTooSmall(what:minimum:found:)`` if
    ///   `classes` is empty, ``SampledLossError/sampleSizeMismatch(expected:found:)``
    ///   if the two arrays differ in length.
    public init(classes: [Int32], expectedCounts: [Float], numTries: Int) throws(SampledLossError) {
        guard !classes.isEmpty else {
            throw .countTooSmall(what: "num_sampled", minimum: 1, found: 0)
        }
        guard expectedCounts.count == classes.count else {
            throw .sampleSizeMismatch(expected: classes.count, found: expectedCounts.count)
        }
        numSampled = classes.count
        storedClasses = classes
        storedExpectedCounts = expectedCounts
        storedNumTries = numTries
        seen = []
    }
}
