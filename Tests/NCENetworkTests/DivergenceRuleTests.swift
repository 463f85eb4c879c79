@testable import NCENetwork
import XCTest

final class DivergenceRuleTests: XCTestCase {
    func testFallingOrNoisyLossesNeverTrip() {
        var rule = DivergenceRule()
        var losses = (0..<5_000).map { 2.3 * exp(-Double($0) / 500) + 0.05 }
        // Occasional bad batches at several times the starting loss.
        for index in stride(from: 100, to: 5_000, by: 250) { losses[index] = 5 * 2.3 }
        for loss in losses { XCTAssertFalse(rule.observe(loss)) }
    }

    func testTripsWhenTheSmoothedLossPassesTenTimesTheFirst() {
        var rule = DivergenceRule()
        XCTAssertFalse(rule.observe(2))
        // A steady 25 pulls the average from 2 towards 25; it passes 20
        // after ln(5/23) / ln(31/32) ≈ 48 steps.
        var steps = 0
        while !rule.observe(25) { steps += 1 }
        XCTAssertEqual(steps + 1, 49)
        XCTAssertGreaterThan(rule.smoothed, 20)
        XCTAssertEqual(rule.initial, 2)
    }

    func testOneHugeStepTripsAtOnce() {
        var rule = DivergenceRule()
        XCTAssertFalse(rule.observe(2.3))
        XCTAssertTrue(rule.observe(1e19))
    }

    func testZeroFirstLossNeverTrips() {
        var rule = DivergenceRule()
        XCTAssertFalse(rule.observe(0))
        XCTAssertFalse(rule.observe(100))
    }
}
