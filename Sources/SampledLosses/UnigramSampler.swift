import RealModule

/// TensorFlow's fixed unigram sampler: class k is drawn with probability
/// proportional to `count[k]^distortion`. A distortion of 1 follows the
/// counts, 0 is uniform, and values between flatten the distribution.
///
/// Draws cost O(1) through an alias table built once at creation.
public struct UnigramSampler: CandidateSampler {
    public let classCount: Int
    public let drawableClassCount: Int
    /// The normalised probability of each class.
    @usableFromInline let probabilities: [Double]
    /// For each slot, the chance of keeping the slot's own class...
    @usableFromInline let keepChance: [Double]
    /// ...and the class taken otherwise.
    @usableFromInline let alias: [Int32]

    /// Creates a sampler from per-class counts (one per class, so
    /// `classCount == counts.count`) and a distortion exponent.
    ///
    /// A class with count 0 is never drawn when `distortion > 0`; with
    /// `distortion == 0` every class has weight 1 (0⁰ is taken as 1).
    ///
    /// - Throws: ``SampledLossError/countTooSmall(what:minimum:found:)`` for
    ///   empty counts, ``SampledLossError/invalidUnigramCount(index:value:)``
    ///   for a negative or non-finite count or distortion (reported at index
    ///   −1), ``SampledLossError/zeroUnigramMass(classCount:)`` if all weights
    ///   are zero.
    public init(counts: [Double], distortion: Double = 1) throws(SampledLossError) {
        guard !counts.isEmpty else {
            throw .countTooSmall(what: "unigram counts", minimum: 1, found: 0)
        }
        guard distortion.isFinite && distortion >= 0 else {
            throw .invalidUnigramCount(index: -1, value: distortion)
        }
        var weights = [Double](repeating: 0, count: counts.count)
        var total = 0.0
        for (i, count) in counts.enumerated() {
            guard count.isFinite && count >= 0 else {
                throw .invalidUnigramCount(index: i, value: count)
            }
            weights[i] = distortion == 0 ? 1 : Double.pow(count, distortion)
            total += weights[i]
        }
        guard total > 0 && total.isFinite else { throw .zeroUnigramMass(classCount: counts.count) }
        classCount = counts.count
        probabilities = weights.map { $0 / total }
        drawableClassCount = weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        (keepChance, alias) = Self.aliasTable(probabilities)
    }

    /// Vose's construction: slots scaled to mean 1 are paired so each holds at
    /// most two classes.
    static func aliasTable(_ probabilities: [Double]) -> ([Double], [Int32]) {
        let n = probabilities.count
        var scaled = probabilities.map { $0 * Double(n) }
        var keep = [Double](repeating: 1, count: n)
        var alias = [Int32](repeating: 0, count: n)
        var small: [Int] = []
        var large: [Int] = []
        for i in 0..<n {
            alias[i] = Int32(i)
            if scaled[i] < 1 { small.append(i) } else { large.append(i) }
        }
        while !small.isEmpty && !large.isEmpty {
            let s = small.removeLast()
            let l = large[large.count - 1]
            keep[s] = scaled[s]
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        // What remains is 1 up to rounding, so those slots keep their class;
        // a zero-probability class must still never come out of its slot.
        if let heaviest = probabilities.indices.max(by: { probabilities[$0] < probabilities[$1] }) {
            for s in small where probabilities[s] == 0 {
                keep[s] = 0
                alias[s] = Int32(heaviest)
            }
        }
        return (keep, alias)
    }

    @inlinable
    public func probability(of classID: Int) -> Float {
        guard classID >= 0 && classID < classCount else { return 0 }
        return Float(probabilities[classID])
    }

    @inlinable
    public func drawClass(using generator: inout some RandomNumberGenerator) -> Int {
        let slot = generator.nextIndex(below: classCount)
        return generator.nextUnitInterval() < keepChance[slot] ? slot : Int(alias[slot])
    }
}
