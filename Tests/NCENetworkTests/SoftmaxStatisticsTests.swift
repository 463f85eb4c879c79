import Foundation
import MNISTData
import NCENetwork
import SampledLosses
import XCTest

/// NLL, ECE and log Z against values worked out by hand, their stability
/// for large logits, and `Evaluator` against `ClassScores`.
final class SoftmaxStatisticsTests: XCTestCase {
    /// Four images of three classes whose softmax is exact in small
    /// fractions:
    ///
    /// | logits              | Z  | label | top p        | bin (of 15) | correct |
    /// | ------------------- | -- | ----- | ------------ | ----------- | ------- |
    /// | 0, ln 2, ln 5       | 8  | 2     | 5/8 = 0.625  | 9           | yes     |
    /// | ln 7, 0, ln 2       | 10 | 2     | 7/10         | 10          | no      |
    /// | ln 9, 0, 0          | 11 | 0     | 9/11 ≈ 0.818 | 12          | yes     |
    /// | 0, ln 17, ln 2      | 20 | 0     | 17/20 = 0.85 | 12          | no      |
    func testHandWorkedCase() {
        var statistics = SoftmaxStatistics()
        statistics.add(logits: [0, log(2), log(5)], label: 2)
        statistics.add(logits: [log(7), 0, log(2)], label: 2)
        statistics.add(logits: [log(9), 0, 0], label: 0)
        statistics.add(logits: [0, log(17), log(2)], label: 0)

        XCTAssertEqual(statistics.count, 4)
        let nll = (log(8.0 / 5) + log(10.0 / 2) + log(11.0 / 9) + log(20.0)) / 4
        XCTAssertEqual(statistics.meanNegativeLogLikelihood, nll, accuracy: 1e-14)

        var bins = [Int](repeating: 0, count: 15)
        bins[9] = 1; bins[10] = 1; bins[12] = 2
        XCTAssertEqual(statistics.binImageCounts, bins)
        // Bin 12: one of two right (accuracy 1/2), mean confidence (9/11 + 17/20) / 2.
        let ece = 0.25 * (1 - 5.0 / 8) + 0.25 * (7.0 / 10) + 0.5 * abs(0.5 - (9.0 / 11 + 17.0 / 20) / 2)
        XCTAssertEqual(statistics.expectedCalibrationError, ece, accuracy: 1e-14)

        let logZ = [log(8.0), log(10.0), log(11.0), log(20.0)]
        let mean = logZ.reduce(0, +) / 4
        let sd = (logZ.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot()
        XCTAssertEqual(statistics.logPartitionMean, mean, accuracy: 1e-14)
        XCTAssertEqual(statistics.logPartitionStandardDeviation, sd, accuracy: 1e-14)
    }

    /// Adding a constant to every logit leaves the softmax alone and moves
    /// log Z by that constant, even at magnitudes where exp overflows.
    func testLargeLogitsShiftOnlyTheLogPartition() {
        let logits: [[Double]] = [[1.5, -0.25, 3], [0, 0.5, -2], [4, 4, 1]]
        let labels = [2, 0, 1]
        for shift in [1_000.0, -1_000.0, 50_000.0] {
            var plain = SoftmaxStatistics(), shifted = SoftmaxStatistics()
            for (row, label) in zip(logits, labels) {
                plain.add(logits: row, label: label)
                shifted.add(logits: row.map { $0 + shift }, label: label)
            }
            XCTAssertEqual(shifted.meanNegativeLogLikelihood, plain.meanNegativeLogLikelihood, accuracy: 1e-9)
            XCTAssertEqual(shifted.expectedCalibrationError, plain.expectedCalibrationError, accuracy: 1e-9)
            XCTAssertEqual(shifted.logPartitionMean, plain.logPartitionMean + shift, accuracy: 1e-9 * abs(shift))
            XCTAssertEqual(
                shifted.logPartitionStandardDeviation, plain.logPartitionStandardDeviation, accuracy: 1e-9)
            XCTAssertTrue(shifted.meanNegativeLogLikelihood.isFinite)
        }
    }

    /// A confidence on a bin's upper edge belongs to that bin, and a
    /// certain prediction to the last one.
    func testBinEdges() {
        var halves = SoftmaxStatistics(bins: 2)
        halves.add(logits: [0, 0], label: 0)         // p = 1/2: the edge of bin 0, (0, 1/2].
        halves.add(logits: [0, -100_000], label: 1)  // p = 1.
        XCTAssertEqual(halves.binImageCounts, [1, 1])
        // Bin 0: accuracy 1, confidence 1/2; bin 1: accuracy 0, confidence 1.
        XCTAssertEqual(halves.expectedCalibrationError, 0.5 * 0.5 + 0.5 * 1, accuracy: 1e-15)
        XCTAssertEqual(halves.meanNegativeLogLikelihood, (log(2.0) + 100_000) / 2, accuracy: 1e-9)
    }

    /// Logits that overflowed Float (infinite, or NaN from inf − inf) make
    /// the figures NaN without trapping; the image is still counted.
    func testNonFiniteLogitsGiveNaNFiguresWithoutTrapping() {
        var statistics = SoftmaxStatistics()
        statistics.add(logits: [.infinity, .infinity, 0], label: 0)
        statistics.add(logits: [.nan, 1, 2], label: 2)
        XCTAssertEqual(statistics.count, 2)
        XCTAssertEqual(statistics.binImageCounts.reduce(0, +), 2)
        XCTAssertTrue(statistics.meanNegativeLogLikelihood.isNaN)
        XCTAssertTrue(statistics.expectedCalibrationError.isNaN)
        XCTAssertTrue(statistics.logPartitionMean.isNaN)
    }

    func testEmptyStatisticsAreZero() {
        let statistics = SoftmaxStatistics()
        XCTAssertEqual(statistics.count, 0)
        XCTAssertEqual(statistics.meanNegativeLogLikelihood, 0)
        XCTAssertEqual(statistics.expectedCalibrationError, 0)
        XCTAssertEqual(statistics.logPartitionMean, 0)
        XCTAssertEqual(statistics.logPartitionStandardDeviation, 0)
    }

    /// `Evaluator.evaluate`, which accumulates batch by batch from the
    /// network's Float logits, agrees with the same figures computed from
    /// `ClassScores` over the whole split (batches of 2 over 5 images, so
    /// the last batch is partial).
    func testEvaluatorAgreesWithClassScores() throws {
        let config = ModelConfiguration(inputSize: 3, hiddenUnits: 3, classCount: 3)
        let network = Network<Float>(configuration: config, maxBatch: 2)
        var rng = SeededGenerator(seed: 7)
        network.parameters.set(network.hiddenWeight, to: (0..<9).map { _ in Float(rng.nextUnitInterval()) * 8 })
        network.parameters.set(network.outputWeight, to: (0..<9).map { _ in Float(rng.nextUnitInterval() * 6 - 3) })
        network.parameters.set(network.outputBias, to: [0.5, -1, 2])
        let pixels: [UInt8] = [255, 0, 51, 0, 102, 204, 17, 17, 0, 90, 200, 30, 250, 250, 250]
        let images = try ImageSet(rows: 1, columns: 3, pixels: pixels, labels: [0, 2, 1, 1, 0])
        let evaluator = Evaluator(network: network)
        let result = evaluator.evaluate(images).softmax

        let scores = evaluator.scores(images)
        var nll = 0.0
        var logZ: [Double] = []
        var bins: [Int: (n: Double, correct: Double, confidence: Double)] = [:]
        for (score, label) in zip(scores, images.labels.map(Int.init)) {
            let top = score.logits.max()!
            logZ.append(top + log(score.logits.map { exp($0 - top) }.reduce(0, +)))
            nll -= log(score.probabilities[label])
            let confidence = score.probabilities[score.predictedClass]
            let bin = min(14, Int((confidence * 15).rounded(.up)) - 1)
            let old = bins[bin] ?? (0, 0, 0)
            bins[bin] = (old.n + 1, old.correct + (score.predictedClass == label ? 1 : 0), old.confidence + confidence)
        }
        let ece = bins.values.map { $0.n / 5 * abs($0.correct / $0.n - $0.confidence / $0.n) }.reduce(0, +)
        let mean = logZ.reduce(0, +) / 5
        let sd = (logZ.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5).squareRoot()
        XCTAssertEqual(result.count, 5)
        XCTAssertEqual(result.meanNegativeLogLikelihood, nll / 5, accuracy: 1e-12 * max(1, nll))
        XCTAssertEqual(result.expectedCalibrationError, ece, accuracy: 1e-12)
        XCTAssertEqual(result.logPartitionMean, mean, accuracy: 1e-12 * max(1, abs(mean)))
        XCTAssertEqual(result.logPartitionStandardDeviation, sd, accuracy: 1e-12 * max(1, sd))
    }
}
