import Foundation
import XCTest
@testable import SampledLosses

final class SampledLogitsTests: XCTestCase {
    func testLogitsSubtractLogQAndMarkAccidentalHits() throws {
        // C=4, D=2, B=2, T=1, S=2; row 1's label 3 is also sampled.
        let inputs: [Float] = [1, 2, -1, 0.5]
        let weights: [Float] = [0.1, 0.2, 0.3, -0.4, 0.5, 0.6, -0.7, 0.8]
        let biases: [Float] = [0.01, 0.02, 0.03, 0.04]
        let labels: [Int32] = [0, 3]
        let trueCounts: [Float] = [0.5, 0.25]
        let sample = try CandidateSample(classes: [3, 1], expectedCounts: [0.25, 2], numTries: 2)
        var logits = try SampledLogits<Float>(
            classCount: 4, dim: 2, numTrue: 1, numSampled: 2, maxBatch: 2, removeAccidentalHits: true)
        try logits.compute(
            inputs: inputs, weights: weights, biases: biases, labels: labels,
            trueExpectedCounts: trueCounts, sample: sample, batch: 2)
        func score(_ b: Int, _ k: Int, _ count: Float) -> Double {
            Double(inputs[2 * b] * weights[2 * k] + inputs[2 * b + 1] * weights[2 * k + 1] + biases[k])
                - log(Double(count))
        }
        let expected: [Double] = [
            score(0, 0, 0.5), score(0, 3, 0.25), score(0, 1, 2),
            score(1, 3, 0.25), -Double(Float.greatestFiniteMagnitude), score(1, 1, 2),
        ]
        for i in 0..<6 {
            assertRelative(Double(logits.values[i]), expected[i], tolerance: 1e-6, "logit \(i)")
        }
        XCTAssertTrue(logits.values[4].isFinite, "a removed hit stays finite in Float")
    }

    func testWithoutRemovalHitsAreOrdinaryLogits() throws {
        var logits = try SampledLogits<Double>(
            classCount: 3, dim: 1, numTrue: 1, numSampled: 1, maxBatch: 1, removeAccidentalHits: false)
        let sample = try CandidateSample(classes: [2], expectedCounts: [1], numTries: 1)
        try logits.compute(
            inputs: [2], weights: [0, 0, 3], biases: [0, 0, 1], labels: [2], trueExpectedCounts: [1],
            sample: sample, batch: 1)
        assertRelative(logits.values[0], 7, tolerance: 1e-15, "true logit")
        assertRelative(logits.values[1], 7, tolerance: 1e-15, "sampled logit")
    }

    func testSizesBelowOneAreRejected() {
        XCTAssertThrowsError(try SampledLogits<Float>(
            classCount: 3, dim: 0, numTrue: 1, numSampled: 1, maxBatch: 1, removeAccidentalHits: false)
        ) { XCTAssertEqual($0 as? SampledLossError, .countTooSmall(what: "dim", minimum: 1, found: 0)) }
        XCTAssertThrowsError(try SampledLogits<Float>(
            classCount: 3, dim: 1, numTrue: 1, numSampled: 1, maxBatch: 0, removeAccidentalHits: false))
    }

    func testErrorMessagesSayWhatWasExpectedAndFound() {
        let message = SampledLossError.classOutOfRange(what: "labels", index: 4, classID: 12, classCount: 10).description
        XCTAssertTrue(message.contains("labels[4]") && message.contains("0..<10") && message.contains("12"))
        XCTAssertTrue(SampledLossError.batchTooLarge(batch: 9, maxBatch: 8).description.contains("at most 8"))
    }
}
