import Foundation
import XCTest
@testable import SampledLosses

final class UnigramSamplerTests: XCTestCase {
    func testProbabilitiesAreDistortedCountsNormalised() throws {
        let counts: [Double] = [5, 1, 0, 12, 3]
        let sampler = try UnigramSampler(counts: counts, distortion: 0.75)
        let weights = counts.map { pow($0, 0.75) }
        let total = weights.reduce(0, +)
        for k in counts.indices {
            assertRelative(Double(sampler.probability(of: k)), weights[k] / total, tolerance: 1e-7, "P(\(k))")
        }
        XCTAssertEqual(sampler.drawableClassCount, 4)
        XCTAssertEqual(sampler.classCount, 5)
    }

    func testDistortionZeroIsUniformEvenForZeroCounts() throws {
        let sampler = try UnigramSampler(counts: [0, 4, 9], distortion: 0)
        for k in 0..<3 { assertRelative(Double(sampler.probability(of: k)), 1.0 / 3, tolerance: 1e-7, "P(\(k))") }
        XCTAssertEqual(sampler.drawableClassCount, 3)
    }

    func testFrequenciesFitTheDistributionForTenClasses() throws {
        let counts = (0..<10).map { Double(($0 * 7) % 10 + 1) }
        let test = chiSquareOfDraws(try UnigramSampler(counts: counts, distortion: 0.75), draws: 100_000, seed: 41)
        XCTAssertEqual(test.degreesOfFreedom, 9)
        XCTAssertLessThan(test.statistic, test.criticalValue)
    }

    func testFrequenciesFitTheDistributionForAThousandClasses() throws {
        // Zipf-like counts: a long tail that the chi-square test must pool.
        let counts = (0..<1000).map { 10_000 / Double($0 + 1) }
        let test = chiSquareOfDraws(try UnigramSampler(counts: counts, distortion: 1), draws: 200_000, seed: 42)
        XCTAssertGreaterThan(test.degreesOfFreedom, 100)
        XCTAssertLessThan(test.statistic, test.criticalValue)
    }

    func testZeroCountClassIsNeverDrawn() throws {
        let sampler = try UnigramSampler(counts: [3, 0, 1, 0, 2], distortion: 0.5)
        var generator = SeededGenerator(seed: 43)
        for _ in 0..<20_000 {
            let k = sampler.drawClass(using: &generator)
            XCTAssertTrue(k == 0 || k == 2 || k == 4, "drew zero-count class \(k)")
        }
    }

    func testInvalidCountsAreRejected() {
        XCTAssertThrowsError(try UnigramSampler(counts: [])) { error in
            XCTAssertEqual(error as? SampledLossError, .countTooSmall(what: "unigram counts", minimum: 1, found: 0))
        }
        XCTAssertThrowsError(try UnigramSampler(counts: [1, -2])) { error in
            XCTAssertEqual(error as? SampledLossError, .invalidUnigramCount(index: 1, value: -2))
        }
        XCTAssertThrowsError(try UnigramSampler(counts: [1, .nan]))
        XCTAssertThrowsError(try UnigramSampler(counts: [1, 2], distortion: -1))
        XCTAssertThrowsError(try UnigramSampler(counts: [0, 0])) { error in
            XCTAssertEqual(error as? SampledLossError, .zeroUnigramMass(classCount: 2))
        }
    }
}
