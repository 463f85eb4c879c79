import XCTest
@testable import SampledLosses

final class RandomNumberGeneratorDrawsTests: XCTestCase {
    func testUnitIntervalUsesTop53Bits() {
        var generator = SeededGenerator(seed: 3)
        var copy = generator
        for _ in 0..<100 {
            let bits = copy.next() >> 11
            let u = generator.nextUnitInterval()
            XCTAssertEqual(u, Double(bits) / 9_007_199_254_740_992)
            XCTAssertTrue(u >= 0 && u < 1)
        }
    }

    func testUnitIntervalOfAllOnesStaysBelowOne() {
        var constant = ConstantGenerator(value: .max)
        XCTAssertLessThan(constant.nextUnitInterval(), 1)
    }

    func testIndexBelowIsUniform() {
        var generator = SeededGenerator(seed: 11)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[generator.nextIndex(below: 7)] += 1 }
        let test = ChiSquareTest(observed: counts, probabilities: Array(repeating: 1.0 / 7, count: 7))
        XCTAssertLessThan(test.statistic, test.criticalValue)
    }

    func testIndexBelowOneOrLessIsZero() {
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(generator.nextIndex(below: 1), 0)
        XCTAssertEqual(generator.nextIndex(below: 0), 0)
    }

    func testStandardNormalMoments() {
        var generator = SeededGenerator(seed: 5)
        let n = 40_000
        let draws = (0..<n).map { _ in generator.nextStandardNormal() }
        let mean = draws.reduce(0, +) / Double(n)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
        // Five standard errors: sd(mean) = 1/√n, sd(variance) ≈ √(2/n).
        XCTAssertLessThan(abs(mean), 5 / Double(n).squareRoot())
        XCTAssertLessThan(abs(variance - 1), 5 * (2 / Double(n)).squareRoot())
        XCTAssertTrue(draws.contains { abs($0) > 2 })
    }

    func testTruncatedNormalStaysWithinTwoAndHasTruncatedVariance() {
        var generator = SeededGenerator(seed: 6)
        let n = 40_000
        let draws = (0..<n).map { _ in generator.nextTruncatedNormal() }
        XCTAssertTrue(draws.allSatisfy { abs($0) <= 2 })
        let variance = draws.map { $0 * $0 }.reduce(0, +) / Double(n)
        // Var of N(0,1) cut at ±2: 1 − 4φ(2)/(2Φ(2) − 1) ≈ 0.7737.
        let phi2 = 0.05399096651318806
        let expected = 1 - 4 * phi2 / 0.9544997361036416
        assertRelative(variance, expected, tolerance: 0.02, "truncated normal variance")
    }
}

/// A generator that returns the same bits forever, for edge cases.
struct ConstantGenerator: RandomNumberGenerator {
    let value: UInt64
    mutating func next() -> UInt64 { value }
}
