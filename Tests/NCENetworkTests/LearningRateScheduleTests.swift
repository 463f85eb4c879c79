import NCENetwork
import XCTest

final class LearningRateScheduleTests: XCTestCase {
    func testConstantKeepsTheBaseRate() {
        for step in [0, 5, 99] {
            XCTAssertEqual(LearningRateSchedule.constant.rate(base: 0.01, step: step, totalSteps: 100), 0.01, accuracy: 1e-15)
        }
    }

    func testCosineFallsFromBaseToZero() {
        let s = LearningRateSchedule.cosine
        XCTAssertEqual(s.rate(base: 2, step: 0, totalSteps: 100), 2, accuracy: 1e-12)
        XCTAssertEqual(s.rate(base: 2, step: 50, totalSteps: 100), 1, accuracy: 1e-12)
        XCTAssertEqual(s.rate(base: 2, step: 100, totalSteps: 100), 0, accuracy: 1e-12)
        XCTAssertEqual(s.rate(base: 2, step: 500, totalSteps: 100), 0, accuracy: 1e-12)
        let rates = (0...100).map { s.rate(base: 1, step: $0, totalSteps: 100) }
        XCTAssertTrue(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 }, "cosine must not increase")
    }
}
