import NCENetwork
import XCTest

final class MemoryEstimateTests: XCTestCase {
    func testEstimateCoversParametersStateAndActivations() {
        var c = TrainingConfiguration()
        let parameters = 784 * 1024 + 1024 + 10 * 1024 + 10
        XCTAssertGreaterThan(c.estimatedTrainingBytes, 16 * parameters)
        // The default run peaks near 120 MB; the estimate stays in that range.
        XCTAssertLessThan(c.estimatedTrainingBytes, 200 << 20)
        c.model.hiddenUnits = 65_536
        c.batchSize = 65_536
        // Activations alone: 65,536 × 65,536 × 2 floats = 32 GiB.
        XCTAssertGreaterThan(c.estimatedTrainingBytes, 32 << 30)
    }

    func testEstimateSaturatesInsteadOfOverflowing() {
        var c = TrainingConfiguration()
        c.model.imageWidth = Int.max / 2
        XCTAssertEqual(c.estimatedTrainingBytes, Int.max)
    }
}
