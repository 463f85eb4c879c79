import XCTest
@testable import SampledLosses

/// Pearson's chi-square goodness-of-fit test on observed counts against
/// probabilities, pooling adjacent categories (from the tail) until each
/// pooled expected count is at least 5.
struct ChiSquareTest {
    let statistic: Double
    let degreesOfFreedom: Int

    init(observed: [Int], probabilities: [Double]) {
        let total = Double(observed.reduce(0, +))
        var pooledObserved: [Double] = []
        var pooledExpected: [Double] = []
        var o = 0.0, e = 0.0
        for k in observed.indices {
            o += Double(observed[k])
            e += probabilities[k] * total
            if e >= 5 {
                pooledObserved.append(o)
                pooledExpected.append(e)
                (o, e) = (0, 0)
            }
        }
        // A short remainder joins the last pooled category.
        if e > 0 || o > 0 {
            if pooledExpected.isEmpty {
                pooledObserved.append(o)
                pooledExpected.append(e)
            } else {
                pooledObserved[pooledObserved.count - 1] += o
                pooledExpected[pooledExpected.count - 1] += e
            }
        }
        var sum = 0.0
        for i in pooledObserved.indices {
            let d = pooledObserved[i] - pooledExpected[i]
            sum += d * d / pooledExpected[i]
        }
        statistic = sum
        degreesOfFreedom = pooledObserved.count - 1
    }

    /// The upper 0.1 % point of the chi-square distribution: tabulated for
    /// df ≤ 10, else the Wilson–Hilferty cube approximation (within 0.2 %
    /// there, and on the high side).
    static func criticalValueAtP001(degreesOfFreedom df: Int) -> Double {
        let table = [10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588]
        if df >= 1 && df <= table.count { return table[df - 1] }
        let z = 3.090232306167813
        let k = Double(df)
        let a = 2 / (9 * k)
        let cube = 1 - a + z * a.squareRoot()
        return k * cube * cube * cube
    }

    var criticalValue: Double { Self.criticalValueAtP001(degreesOfFreedom: degreesOfFreedom) }
}

/// Draws `draws` classes from `sampler` one at a time (no uniqueness) and
/// runs the chi-square test against its probabilities.
func chiSquareOfDraws(
    _ sampler: some CandidateSampler, draws: Int, seed: UInt64
) -> ChiSquareTest {
    var generator = SeededGenerator(seed: seed)
    var observed = [Int](repeating: 0, count: sampler.classCount)
    for _ in 0..<draws {
        observed[sampler.drawClass(using: &generator)] += 1
    }
    let probabilities = (0..<sampler.classCount).map { Double(sampler.probability(of: $0)) }
    return ChiSquareTest(observed: observed, probabilities: probabilities)
}
