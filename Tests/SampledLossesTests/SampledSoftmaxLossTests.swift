import Foundation
import XCTest
@testable import SampledLosses

final class SampledSoftmaxLossTests: XCTestCase {
    func problem(numTrue: Int = 1, hits: Bool = true, seed: UInt64 = 71) throws -> SampledLossProblem {
        try SampledLossProblem.random(
            kind: .sampledSoftmax, classCount: 9, dim: 5, batch: 4, numTrue: numTrue, numSampled: 4,
            removeAccidentalHits: hits, seed: seed)
    }

    func testDefaultRemovesAccidentalHits() throws {
        let loss = try SampledSoftmaxLoss<Float>(classCount: 5, dim: 2, numSampled: 2, maxBatch: 1)
        XCTAssertTrue(loss.logits.removeAccidentalHits)
        XCTAssertFalse(try NCELoss<Float>(classCount: 5, dim: 2, numSampled: 2, maxBatch: 1).logits.removeAccidentalHits)
    }

    func testForwardMatchesTheWrittenOutLoss() throws {
        let p = try problem(numTrue: 2, hits: false)
        let losses = try p.losses(Double.self)
        for b in 0..<p.batch {
            func logit(_ k: Int, _ count: Float) -> Double {
                var z = p.biases[k] - log(Double(count))
                for d in 0..<p.dim { z += p.inputs[b * p.dim + d] * p.weights[k * p.dim + d] }
                return z
            }
            let trueLogits = (0..<2).map { logit(Int(p.labels[b * 2 + $0]), p.trueExpectedCounts[b * 2 + $0]) }
            let sampledLogits = (0..<4).map { logit(Int(p.sample.classes[$0]), p.sample.expectedCounts[$0]) }
            let normaliser = (trueLogits + sampledLogits).map { exp($0) }.reduce(0, +)
            let expected = trueLogits.map { -0.5 * log(exp($0) / normaliser) }.reduce(0, +)
            assertRelative(losses[b], expected, tolerance: 1e-12, "loss of row \(b)")
        }
    }

    func testGradientsMatchFiniteDifferences() throws {
        try problem().assertGradientsMatchFiniteDifferences()
    }

    func testGradientsWithSeveralTrueClasses() throws {
        try problem(numTrue: 3, seed: 72).assertGradientsMatchFiniteDifferences()
    }

    func testGradientsWithAccidentalHitsRemoved() throws {
        var p = try problem(numTrue: 2, seed: 73)
        p.forceAccidentalHit(sampler: try LogUniformSampler(classCount: 9))
        try p.assertGradientsMatchFiniteDifferences()
        // Removing the hit takes its term out of the normaliser.
        var kept = p
        kept.removeAccidentalHits = false
        XCTAssertLessThan(try p.losses(Double.self)[0], try kept.losses(Double.self)[0])
    }

    func testFloatAgreesWithDouble() throws {
        let p = try problem(numTrue: 2, seed: 74)
        let single = try p.run(Float.self)
        let double = try p.run(Double.self)
        assertClose(single.losses, double.losses, tolerance: 1e-5, "losses")
        assertClose(single.dInputs, double.dInputs, tolerance: 1e-5, "dX")
        assertClose(single.dWeights, double.dWeights, tolerance: 1e-5, "dW")
        assertClose(single.dBiases, double.dBiases, tolerance: 1e-5, "db")
    }

    func testScaleScalesGradients() throws {
        let p = try problem(seed: 75)
        let full = try p.run(Double.self)
        let eighth = try p.run(Double.self, scale: 0.125)
        assertClose(eighth.dInputs, full.dInputs.map { $0 * 0.125 }, tolerance: 1e-14, "dX")
        assertClose(eighth.dBiases, full.dBiases.map { $0 * 0.125 }, tolerance: 1e-14, "db")
    }

    func testBackwardAccumulatesOnlyIntoTouchedRows() throws {
        try assertSparseAccumulation(kind: .sampledSoftmax)
    }

    func testInvalidInputsThrowTypedErrors() throws {
        try assertInvalidInputsThrow(kind: .sampledSoftmax)
    }
}
