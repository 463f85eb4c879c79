import MNISTData
import NCENetwork
import XCTest

final class EvaluatorTests: XCTestCase {
    /// A network whose prediction is the brightest of three pixels: the
    /// hidden layer copies the pixels (identity, no bias) and the output
    /// layer copies the hidden units.
    func testConfusionMatrixCountsLabelAgainstPrediction() throws {
        let config = ModelConfiguration(inputSize: 3, hiddenUnits: 3, classCount: 3)
        let network = Network<Float>(configuration: config, maxBatch: 2)
        let identity: [Float] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        network.parameters.set(network.hiddenWeight, to: identity)
        network.parameters.set(network.outputWeight, to: identity)
        // Brightest pixel per image: 0, 1, 2, 2, 0.
        let pixels: [UInt8] = [9, 1, 1, 1, 9, 1, 1, 1, 9, 0, 5, 7, 8, 0, 0]
        let images = try ImageSet(rows: 1, columns: 3, pixels: pixels, labels: [0, 1, 1, 2, 2])
        let result = Evaluator(network: network).evaluate(images)
        XCTAssertEqual(result.count, 5)
        XCTAssertEqual(result.correct, 3)
        XCTAssertEqual(result.accuracy, 0.6, accuracy: 1e-12)
        XCTAssertEqual(result.confusion, [[1, 0, 0], [0, 1, 1], [1, 0, 1]])
        XCTAssertEqual(result.perClassAccuracy.map { $0 ?? -1 }, [1, 0.5, 0.5])
    }
}
