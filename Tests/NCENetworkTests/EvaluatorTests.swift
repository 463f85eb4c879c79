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
        XCTAssertEqual(result.perClassAccuracy.map(\.label), [0, 1, 2])
        XCTAssertEqual(result.perClassAccuracy.map(\.accuracy), [1, 0.5, 0.5])
        XCTAssertEqual(
            result.mostFrequentConfusions(limit: 5),
            [Confusion(label: 1, predicted: 2, count: 1), Confusion(label: 2, predicted: 0, count: 1)])
    }

    /// With many classes the result keeps only the pairs that occurred: no
    /// classes × classes matrix, and per-class figures only for the labels
    /// present. 20,000 classes would need 3.2 GB as a dense matrix.
    func testManyClassesKeepOnlyTheirPairs() throws {
        let classes = 20_000
        let config = ModelConfiguration(inputSize: 2, hiddenUnits: 2, classCount: classes)
        let network = Network<Float>(configuration: config, maxBatch: 4)
        // Hidden copies the pixels; class 7 scores pixel 0 and class 19,999
        // pixel 1; every other class scores 0.
        network.parameters.set(network.hiddenWeight, to: [1, 0, 0, 1])
        var output = [Float](repeating: 0, count: classes * 2)
        output[7 * 2] = 1
        output[(classes - 1) * 2 + 1] = 1
        network.parameters.set(network.outputWeight, to: output)
        let images = try ImageSet(rows: 1, columns: 2, pixels: [9, 0, 0, 9, 9, 1], labels: [7, 3, 7])
        let result = Evaluator(network: network).evaluate(images)
        XCTAssertEqual(result.classCount, classes)
        XCTAssertNil(result.confusion)
        XCTAssertEqual(result.correct, 2)
        XCTAssertEqual(
            result.confusions,
            [Confusion(label: 3, predicted: classes - 1, count: 1), Confusion(label: 7, predicted: 7, count: 2)])
        XCTAssertEqual(result.perClassAccuracy.map(\.label), [3, 7])
        XCTAssertEqual(result.perClassAccuracy.map(\.accuracy), [0, 1])
        XCTAssertEqual(result.mostFrequentConfusions(limit: 20), [Confusion(label: 3, predicted: classes - 1, count: 1)])
    }

    /// Evaluation batches are sized by memory: a model with a million
    /// classes gets a few rows per batch, not 1,000 rows of 4 MB of logits.
    func testEvaluationBatchRowsFollowTheMemoryBudget() {
        let mnist = ModelConfiguration(inputSize: 784, hiddenUnits: 1024, classCount: 10)
        XCTAssertEqual(mnist.evaluationBatchRows(), 1_000)
        let cnn = ModelConfiguration(kind: .cnn, imageHeight: 28, imageWidth: 28, hiddenUnits: 1024, classCount: 10)
        XCTAssertEqual(cnn.evaluationBatchRows(), 100)
        let wide = ModelConfiguration(inputSize: 784, hiddenUnits: 1, classCount: 1 << 20)
        let rows = wide.evaluationBatchRows()
        XCTAssertTrue((1...30).contains(rows), "\(rows)")
        XCTAssertLessThanOrEqual(rows * wide.bytesPerBatchRow, ModelConfiguration.evaluationBatchBudget)
        let hugeImages = ModelConfiguration(kind: .cnn, imageHeight: 1024, imageWidth: 1024, hiddenUnits: 1, classCount: 10)
        XCTAssertEqual(hugeImages.evaluationBatchRows(), 1, "one row even when it exceeds the budget")
    }
}
