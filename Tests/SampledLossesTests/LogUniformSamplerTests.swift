import Foundation
import XCTest
@testable import SampledLosses

final class LogUniformSamplerTests: XCTestCase {
    func testProbabilitiesFollowTheLogUniformFormulaAndSumToOne() throws {
        for classCount in [1, 10, 1000] {
            let sampler = try LogUniformSampler(classCount: classCount)
            var total = 0.0
            for k in 0..<classCount {
                let expected = log(Double(k + 2) / Double(k + 1)) / log(Double(classCount + 1))
                assertRelative(Double(sampler.probability(of: k)), expected, tolerance: 1e-7, "P(\(k))")
                total += Double(sampler.probability(of: k))
            }
            assertRelative(total, 1, tolerance: 1e-5, "sum of P for C = \(classCount)")
        }
    }

    func testProbabilityOutsideRangeIsZero() throws {
        let sampler = try LogUniformSampler(classCount: 10)
        XCTAssertEqual(sampler.probability(of: -1), 0)
        XCTAssertEqual(sampler.probability(of: 10), 0)
    }

    func testFrequenciesFitTheDistributionForTenClasses() throws {
        let test = chiSquareOfDraws(try LogUniformSampler(classCount: 10), draws: 100_000, seed: 21)
        XCTAssertEqual(test.degreesOfFreedom, 9)
        XCTAssertLessThan(test.statistic, test.criticalValue)
    }

    func testFrequenciesFitTheDistributionForAThousandClasses() throws {
        let test = chiSquareOfDraws(try LogUniformSampler(classCount: 1000), draws: 200_000, seed: 22)
        XCTAssertGreaterThan(test.degreesOfFreedom, 100)
        XCTAssertLessThan(test.statistic, test.criticalValue)
    }

    func testChiSquareRejectsTheWrongDistribution() throws {
        let sampler = try LogUniformSampler(classCount: 10)
        var generator = SeededGenerator(seed: 23)
        var observed = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 { observed[sampler.drawClass(using: &generator)] += 1 }
        let test = ChiSquareTest(observed: observed, probabilities: Array(repeating: 0.1, count: 10))
        XCTAssertGreaterThan(test.statistic, test.criticalValue)
    }

    func testExtremeUniformValuesMapToFirstAndLastClass() throws {
        let sampler = try LogUniformSampler(classCount: 1000)
        var lowest = ConstantGenerator(value: 0)
        var highest = ConstantGenerator(value: .max)
        XCTAssertEqual(sampler.drawClass(using: &lowest), 0)
        XCTAssertEqual(sampler.drawClass(using: &highest), 999)
    }

    func testRejectsEmptyRange() {
        XCTAssertThrowsError(try LogUniformSampler(classCount: 0)) { error in
            XCTAssertEqual(error as? SampledLossError, .countTooSmall(what: "num_classes", minimum: 1, found: 0))
        }
    }
}
