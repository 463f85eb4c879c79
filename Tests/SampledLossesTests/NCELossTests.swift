import Foundation
import XCTest
@testable import SampledLosses

final class NCELossTests: XCTestCase {
    func problem(numTrue: Int = 1, hits: Bool = false, seed: UInt64 = 61) throws -> SampledLossProblem {
        try SampledLossProblem.random(
            kind: .nce, classCount: 9, dim: 5, batch: 4, numTrue: numTrue, numSampled: 4,
            removeAccidentalHits: hits, seed: seed)
    }

    func testForwardMatchesTheWrittenOutLoss() throws {
        let p = try problem(numTrue: 2)
        let losses = try p.losses(Double.self)
        for b in 0..<p.batch {
            var expected = 0.0
            func logit(_ k: Int, _ count: Float) -> Double {
                var z = p.biases[k] - log(Double(count))
                for d in 0..<p.dim { z += p.inputs[b * p.dim + d] * p.weights[k * p.dim + d] }
                return z
            }
            func softplus(_ x: Double) -> Double { log(1 + exp(x)) }
            for t in 0..<2 {
                // Cross-entropy with target 1/2: z·softplus(−x) + (1−z)·softplus(x).
                let x = logit(Int(p.labels[b * 2 + t]), p.trueExpectedCounts[b * 2 + t])
                expected += 0.5 * softplus(-x) + 0.5 * softplus(x)
            }
            for s in 0..<p.sample.numSampled {
                expected += softplus(logit(Int(p.sample.classes[s]), p.sample.expectedCounts[s]))
            }
            assertRelative(losses[b], expected, tolerance: 1e-12, "loss of row \(b)")
        }
    }

    func testGradientsMatchFiniteDifferences() throws {
        try problem().assertGradientsMatchFiniteDifferences()
    }

    func testGradientsWithSeveralTrueClasses() throws {
        try problem(numTrue: 3, seed: 62).assertGradientsMatchFiniteDifferences()
    }

    func testGradientsWithAccidentalHitsRemoved() throws {
        var p = try problem(numTrue: 2, hits: true, seed: 63)
        p.forceAccidentalHit(sampler: try LogUniformSampler(classCount: 9))
        try p.assertGradientsMatchFiniteDifferences()
        // The hit column must no longer contribute to row 0's loss.
        var kept = p
        kept.removeAccidentalHits = false
        let withHit = try kept.losses(Double.self)
        let removed = try p.losses(Double.self)
        XCTAssertLessThan(removed[0], withHit[0])
    }

    func testFloatAgreesWithDouble() throws {
        let p = try problem(numTrue: 2, hits: true, seed: 64)
        let single = try p.run(Float.self)
        let double = try p.run(Double.self)
        assertClose(single.losses, double.losses, tolerance: 1e-5, "losses")
        assertClose(single.dInputs, double.dInputs, tolerance: 1e-5, "dX")
        assertClose(single.dWeights, double.dWeights, tolerance: 1e-5, "dW")
        assertClose(single.dBiases, double.dBiases, tolerance: 1e-5, "db")
    }

    func testForwardReturnsMeanAndScaleScalesGradients() throws {
        let p = try problem(seed: 65)
        var loss = try NCELoss<Double>(classCount: 9, dim: 5, numSampled: 4, maxBatch: 8)
        var losses = [Double](repeating: 0, count: 4)
        let mean = try loss.forward(
            losses: &losses, inputs: p.inputs, weights: p.weights, biases: p.biases, labels: p.labels,
            trueExpectedCounts: p.trueExpectedCounts, sample: p.sample, batch: 4)
        assertRelative(mean, losses.reduce(0, +) / 4, tolerance: 1e-14, "mean")
        let full = try p.run(Double.self)
        let quarter = try p.run(Double.self, scale: 0.25)
        assertClose(quarter.dInputs, full.dInputs.map { $0 * 0.25 }, tolerance: 1e-14, "dX")
        assertClose(quarter.dWeights, full.dWeights.map { $0 * 0.25 }, tolerance: 1e-14, "dW")
    }

    func testBackwardAccumulatesOnlyIntoTouchedRows() throws {
        try assertSparseAccumulation(kind: .nce)
    }

    func testInvalidInputsThrowTypedErrors() throws {
        try assertInvalidInputsThrow(kind: .nce)
    }
}

/// Shared by the NCE and sampled-softmax tests: rows of dW and db whose class
/// is neither a label nor sampled keep their exact bits; touched rows gain
/// exactly the fresh gradient.
func assertSparseAccumulation(kind: SampledLossKind, file: StaticString = #filePath, line: UInt = #line) throws {
    let p = try SampledLossProblem.random(
        kind: kind, classCount: 40, dim: 6, batch: 3, numTrue: 2, numSampled: 5,
        removeAccidentalHits: true, seed: 66)
    var generator = SeededGenerator(seed: 67)
    let startW = normals(40 * 6, using: &generator).map { Float($0) }
    let startB = normals(40, using: &generator).map { Float($0) }
    let fresh = try p.run(Float.self)
    let accumulated = try p.run(Float.self, initialDWeights: startW, initialDBiases: startB)
    let touched = Set(p.labels.map(Int.init) + p.sample.classes.map(Int.init))
    XCTAssertLessThan(touched.count, 40, "the test needs untouched rows", file: file, line: line)
    for k in 0..<40 {
        for d in 0..<6 {
            let i = k * 6 + d
            if touched.contains(k) {
                assertRelative(
                    Double(accumulated.dWeights[i]), Double(startW[i] + fresh.dWeights[i]), tolerance: 1e-6,
                    floor: 1, "dW[\(k),\(d)]", file: file, line: line)
            } else {
                XCTAssertEqual(
                    accumulated.dWeights[i].bitPattern, startW[i].bitPattern, "dW row \(k) changed",
                    file: file, line: line)
            }
        }
        if touched.contains(k) {
            assertRelative(
                Double(accumulated.dBiases[k]), Double(startB[k] + fresh.dBiases[k]), tolerance: 1e-6, floor: 1,
                "db[\(k)]", file: file, line: line)
        } else {
            XCTAssertEqual(accumulated.dBiases[k].bitPattern, startB[k].bitPattern, "db[\(k)] changed", file: file, line: line)
        }
    }
    XCTAssertTrue(fresh.dBiases.contains { $0 != 0 }, "the gradient must not vanish", file: file, line: line)
}

/// Shared by the NCE and sampled-softmax tests: bad sizes and ids throw the
/// matching ``SampledLossError``.
func assertInvalidInputsThrow(kind: SampledLossKind, file: StaticString = #filePath, line: UInt = #line) throws {
    let p = try SampledLossProblem.random(
        kind: kind, classCount: 9, dim: 3, batch: 2, numTrue: 1, numSampled: 3,
        removeAccidentalHits: false, seed: 68)
    func expect(_ problem: SampledLossProblem, _ error: SampledLossError) {
        XCTAssertThrowsError(try problem.run(Double.self), file: file, line: line) { thrown in
            XCTAssertEqual(thrown as? SampledLossError, error, file: file, line: line)
        }
    }
    var badLabel = p
    badLabel.labels[1] = 9
    expect(badLabel, .classOutOfRange(what: "labels", index: 1, classID: 9, classCount: 9))
    var negativeLabel = p
    negativeLabel.labels[0] = -1
    expect(negativeLabel, .classOutOfRange(what: "labels", index: 0, classID: -1, classCount: 9))
    var badSample = p
    badSample.sample = try CandidateSample(classes: [1, 12, 2], expectedCounts: [0.5, 0.5, 0.5], numTries: 3)
    expect(badSample, .classOutOfRange(what: "sampled", index: 1, classID: 12, classCount: 9))
    XCTAssertThrowsError(try NCELoss<Float>(classCount: 9, dim: 3, numTrue: 0, numSampled: 3, maxBatch: 2)) {
        XCTAssertEqual($0 as? SampledLossError, .countTooSmall(what: "num_true", minimum: 1, found: 0))
    }
    XCTAssertThrowsError(try SampledSoftmaxLoss<Float>(classCount: 9, dim: 3, numSampled: 0, maxBatch: 2)) {
        XCTAssertEqual($0 as? SampledLossError, .countTooSmall(what: "num_sampled", minimum: 1, found: 0))
    }

    var nce = try NCELoss<Double>(classCount: 9, dim: 3, numSampled: 2, maxBatch: 1)
    var losses = [Double](repeating: 0, count: 2)
    var dX = [Double](repeating: 0, count: 6)
    var dW = [Double](repeating: 0, count: 27)
    var db = [Double](repeating: 0, count: 9)
    XCTAssertThrowsError(try nce.forward(
        losses: &losses, inputs: p.inputs, weights: p.weights, biases: p.biases, labels: p.labels,
        trueExpectedCounts: p.trueExpectedCounts, sample: p.sample, batch: 2), file: file, line: line
    ) { XCTAssertEqual($0 as? SampledLossError, .batchTooLarge(batch: 2, maxBatch: 1)) }
    XCTAssertThrowsError(try nce.forward(
        losses: &losses, inputs: p.inputs, weights: p.weights, biases: p.biases, labels: p.labels,
        trueExpectedCounts: p.trueExpectedCounts, sample: p.sample, batch: 1), file: file, line: line
    ) { XCTAssertEqual($0 as? SampledLossError, .sampleSizeMismatch(expected: 2, found: 3)) }
    XCTAssertThrowsError(try nce.backward(
        dInputs: &dX, dWeights: &dW, dBiases: &db, inputs: p.inputs, weights: p.weights,
        labels: p.labels, sample: p.sample, batch: 1, scale: 1), file: file, line: line
    ) { XCTAssertEqual($0 as? SampledLossError, .batchMismatch(forward: 0, backward: 1)) }
}
