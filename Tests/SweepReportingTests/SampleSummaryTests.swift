import SweepReporting
import XCTest

/// Mean and spread over seeds against values worked out by hand.
final class SampleSummaryTests: XCTestCase {
    func testFourValues() throws {
        // Mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n − 1 = 3.
        let summary = try XCTUnwrap(SampleSummary([1, 2, 3, 4]))
        XCTAssertEqual(summary.count, 4)
        XCTAssertEqual(summary.mean, 2.5, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(summary.standardDeviation), (5.0 / 3).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(summary.minimum, 1)
        XCTAssertEqual(summary.maximum, 4)
    }

    /// Three accuracies a tenth of a point apart, where a one-pass sum of
    /// squares loses digits: sd is exactly 0.001.
    func testCloseAccuraciesKeepTheirSpread() throws {
        let summary = try XCTUnwrap(SampleSummary([0.9812, 0.9822, 0.9832]))
        XCTAssertEqual(summary.mean, 0.9822, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(summary.standardDeviation), 0.001, accuracy: 1e-12)
    }

    func testOneValueHasNoStandardDeviation() throws {
        let summary = try XCTUnwrap(SampleSummary([0.97]))
        XCTAssertNil(summary.standardDeviation)
        XCTAssertEqual(summary.spread, 0)
        XCTAssertEqual(summary.mean, 0.97)
    }

    func testNoValuesHaveNoSummary() {
        XCTAssertNil(SampleSummary([]))
    }

    /// Configurations are grouped and ordered NCE by num_sampled, then
    /// sampled softmax, then softmax; each seed's figures feed its means.
    func testConfigurationSummaries() throws {
        let records = [
            record("softmax", nil, seed: 1, accuracy: 0.98, nll: 0.06, logZ: 12),
            record("nce", 9, seed: 2, accuracy: 0.97, nll: 0.1, logZ: 0.2),
            record("sampled-softmax", 3, seed: 1, accuracy: 0.96),
            record("nce", 1, seed: 1, accuracy: 0.95),
            record("nce", 9, seed: 1, accuracy: 0.99, nll: 0.2, logZ: -0.4),
            record("softmax", nil, seed: 2, accuracy: 0.96, nll: 0.08, logZ: 14),
        ]
        let summaries = ConfigurationSummary.summaries(of: records)
        XCTAssertEqual(summaries.map(\.group.label), [
            "NCE, num_sampled 1", "NCE, num_sampled 9", "sampled softmax, num_sampled 3", "softmax",
        ])
        // 0.97 and 0.99: deviations ±0.01, so sd = √(2 · 0.01² / 1).
        let nce9 = summaries[1]
        XCTAssertEqual(nce9.seeds, [1, 2])
        XCTAssertEqual(nce9.testAccuracy.mean, 0.98, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(nce9.testAccuracy.standardDeviation), 0.01 * 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(nce9.negativeLogLikelihood.mean, 0.15, accuracy: 1e-15)
        XCTAssertEqual(nce9.logPartitionMean.mean, -0.1, accuracy: 1e-15)
        let softmax = summaries[3]
        XCTAssertNil(softmax.group.numSampled)
        XCTAssertEqual(softmax.logPartitionMean.mean, 13, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(softmax.logPartitionMean.standardDeviation), 2.0.squareRoot(), accuracy: 1e-15)
    }

    /// The per-epoch curve is the mean over the seeds that reached each
    /// epoch.
    func testMeanCurve() {
        let a = record("nce", 1, seed: 1, accuracy: 0.9, curve: [
            EpochPoint(epoch: 1, loss: 2, validationAccuracy: 0.8), EpochPoint(epoch: 2, loss: 1, validationAccuracy: 0.9),
        ])
        let b = record("nce", 1, seed: 2, accuracy: 0.9, curve: [EpochPoint(epoch: 1, loss: 4, validationAccuracy: 0.6)])
        let curve = ConfigurationSummary(group: a.group, runs: [a, b]).meanCurve
        XCTAssertEqual(curve.map(\.epoch), [1, 2])
        XCTAssertEqual(curve[0].loss, 3, accuracy: 1e-15)
        XCTAssertEqual(curve[0].validationAccuracy ?? 0, 0.7, accuracy: 1e-15)
        XCTAssertEqual(curve[1].loss, 1, accuracy: 1e-15)
    }
}
