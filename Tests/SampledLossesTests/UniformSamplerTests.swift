import XCTest
@testable import SampledLosses

final class UniformSamplerTests: XCTestCase {
    func testProbabilityIsOneOverC() throws {
        let sampler = try UniformSampler(classCount: 8)
        for k in 0..<8 { assertRelative(Double(sampler.probability(of: k)), 0.125, tolerance: 1e-7, "P(\(k))") }
        XCTAssertEqual(sampler.probability(of: 8), 0)
    }

    func testFrequenciesFitTheDistributionForTenClasses() throws {
        let test = chiSquareOfDraws(try UniformSampler(classCount: 10), draws: 100_000, seed: 31)
        XCTAssertEqual(test.degreesOfFreedom, 9)
        XCTAssertLessThan(test.statistic, test.criticalValue)
    }

    func testFrequenciesFitTheDistributionForAThousandClasses() throws {
        let test = chiSquareOfDraws(try UniformSampler(classCount: 1000), draws: 200_000, seed: 32)
        XCTAssertEqual(test.degreesOfFreedom, 999)
        XCTAssertLessThan(test.statistic, test.criticalValue)
    }

    func testRejectsEmptyRange() {
        XCTAssertThrowsError(try UniformSampler(classCount: 0))
    }
}
