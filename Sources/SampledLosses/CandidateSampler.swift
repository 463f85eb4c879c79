import RealModule

/// A distribution over class ids `0..<classCount` from which negative classes
/// are drawn, with TensorFlow's rules for unique sampling and expected counts.
public protocol CandidateSampler: Sendable {
    /// The number of classes C; ids run over `0..<classCount`.
    var classCount: Int { get }

    /// The number of classes with a non-zero probability: the most distinct
    /// classes a unique sample can hold.
    var drawableClassCount: Int { get }

    /// The probability that one draw yields `classID`, rounded to `Float` as
    /// TensorFlow's samplers report it. Ids outside `0..<classCount` give 0.
    func probability(of classID: Int) -> Float

    /// Draws one class id in `0..<classCount`.
    func drawClass(using generator: inout some RandomNumberGenerator) -> Int
}

extension CandidateSampler {
    public var drawableClassCount: Int { classCount }

    /// Fills `sample` with `sample.numSampled` draws and their expected counts.
    ///
    /// With `unique`, draws repeat until that many distinct classes are held
    /// (a repeat is rejected but still counted in `numTries`); without it,
    /// classes may repeat and `numTries == numSampled`. Expected counts follow
    /// ``expectedCount(of:numSampled:numTries:)``. Does not allocate, except
    /// once to size the scratch of a sample built from given classes.
    ///
    /// - Throws: ``SampledLossError/tooManyUniqueSamples(numSampled:drawableClasses:)``
    ///   when `unique` and `numSampled` exceeds ``drawableClassCount``; the
    ///   sample is left unchanged.
    @inlinable
    public func sample(
        into sample: inout CandidateSample, unique: Bool,
        using generator: inout some RandomNumberGenerator
    ) throws(SampledLossError) {
        let count = sample.numSampled
        if unique {
            guard count <= drawableClassCount else {
                throw .tooManyUniqueSamples(numSampled: count, drawableClasses: drawableClassCount)
            }
            if sample.seen.count < classCount {
                sample.seen = Array(repeating: false, count: classCount)
            }
            var tries = 0
            var picked = 0
            while picked < count {
                let classID = drawClass(using: &generator)
                tries += 1
                if !sample.seen[classID] {
                    sample.seen[classID] = true
                    sample.storedClasses[picked] = Int32(classID)
                    picked += 1
                }
            }
            // Clearing only the picked flags keeps a draw O(S), not O(C).
            for i in 0..<count {
                sample.seen[Int(sample.classes[i])] = false
            }
            sample.storedNumTries = tries
        } else {
            for i in 0..<count {
                sample.storedClasses[i] = Int32(drawClass(using: &generator))
            }
            sample.storedNumTries = count
        }
        for i in 0..<count {
            sample.storedExpectedCounts[i] = expectedCount(
                of: Int(sample.classes[i]), numSampled: count, numTries: sample.numTries)
        }
    }

    /// The expected number of times `classID` appears in a sample of
    /// `numSampled` classes that took `numTries` draws, as TensorFlow defines
    /// it: `p·numSampled` when `numTries == numSampled` (always so without
    /// unique sampling), else `1 − (1 − p)^numTries`, computed stably as
    /// `−expm1(numTries·log1p(−p))`. `p` is ``probability(of:)``.
    ///
    /// Every step is in `Float`, as in TensorFlow's kernel (which takes
    /// `float p` and calls the single-precision `expm1` and `log1p`), so the
    /// counts, and the `log Q` subtracted from the logits, match its bits.
    @inlinable
    public func expectedCount(of classID: Int, numSampled: Int, numTries: Int) -> Float {
        let p = probability(of: classID)
        if numTries == numSampled {
            return p * Float(numSampled)
        }
        return -Float.expMinusOne(Float(numTries) * Float.log(onePlus: -p))
    }

    /// Writes ``expectedCount(of:numSampled:numTries:)`` for each of `count`
    /// class ids, typically the true labels of a batch (B×T values), using the
    /// `numSampled` and `numTries` of the current ``CandidateSample``.
    @inlinable
    public func expectedCounts(
        of classIDs: UnsafePointer<Int32>, count: Int, numSampled: Int, numTries: Int,
        into counts: UnsafeMutablePointer<Float>
    ) {
        for i in 0..<count {
            counts[i] = expectedCount(of: Int(classIDs[i]), numSampled: numSampled, numTries: numTries)
        }
    }
}
