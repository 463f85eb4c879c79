import Foundation
import MNISTData
import NCENetwork
import XCTest

/// Softmax probabilities and the argmax of one image's logits, and
/// `Evaluator.scores` over a split.
final class ClassScoresTests: XCTestCase {
    func testSoftmaxOfSmallLogits() {
        let scores = ClassScores(logits: [0, log(2), log(5)])
        XCTAssertEqual(scores.predictedClass, 2)
        XCTAssertEqual(scores.probabilities[0], 1.0 / 8, accuracy: 1e-15)
        XCTAssertEqual(scores.probabilities[1], 2.0 / 8, accuracy: 1e-15)
        XCTAssertEqual(scores.probabilities[2], 5.0 / 8, accuracy: 1e-15)
    }

    func testLargeLogitsDoNotOverflow() {
        let scores = ClassScores(logits: [1000, 999, -1000, 998])
        XCTAssertEqual(scores.predictedClass, 0)
        XCTAssertTrue(scores.probabilities.allSatisfy { $0.isFinite && $0 >= 0 })
        XCTAssertEqual(scores.probabilities.reduce(0, +), 1, accuracy: 1e-12)
        let e1 = exp(-1.0), e2 = exp(-2.0)
        XCTAssertEqual(scores.probabilities[0], 1 / (1 + e1 + e2), accuracy: 1e-15)
        XCTAssertEqual(scores.probabilities[2], 0)
    }

    func testTiesGoToTheLowestClass() {
        let scores = ClassScores(logits: [1, 3, 3, 2])
        XCTAssertEqual(scores.predictedClass, 1)
        XCTAssertEqual(scores.probabilities[1], scores.probabilities[2])
    }

    /// The brightest-of-three network of `EvaluatorTests`: logits are the
    /// pixels scaled to [0, 1] as in training.
    func testEvaluatorScoresAgreeWithPredict() throws {
        let config = ModelConfiguration(inputSize: 3, hiddenUnits: 3, classCount: 3)
        let network = Network<Float>(configuration: config, maxBatch: 2)
        let identity: [Float] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        network.parameters.set(network.hiddenWeight, to: identity)
        network.parameters.set(network.outputWeight, to: identity)
        let pixels: [UInt8] = [255, 0, 51, 0, 102, 204, 17, 17, 0]
        let images = try ImageSet(rows: 1, columns: 3, pixels: pixels, labels: [0, 0, 0])
        let scores = Evaluator(network: network).scores(images)
        XCTAssertEqual(scores.map(\.predictedClass), [0, 2, 0])
        for (index, score) in scores.enumerated() {
            let expected = pixels[(3 * index)..<(3 * index + 3)].map { Double(Float($0) * (1 / Float(255))) }
            XCTAssertEqual(score.logits, expected, "image \(index)")
            XCTAssertEqual(score.probabilities.reduce(0, +), 1, accuracy: 1e-12)
        }
        XCTAssertEqual(Evaluator(network: network).evaluate(images).correct, 2)
    }
}
