import Foundation
import XCTest
@testable import SampledLosses

final class SoftmaxCrossEntropyTests: XCTestCase {
    struct DenseProblem {
        var classCount: Int, dim: Int, batch: Int, numTrue: Int
        var inputs: [Double], weights: [Double], biases: [Double]
        var labels: [Int32]

        init(classCount: Int, dim: Int, batch: Int, numTrue: Int, seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            (self.classCount, self.dim, self.batch, self.numTrue) = (classCount, dim, batch, numTrue)
            inputs = normals(batch * dim, using: &generator)
            weights = normals(classCount * dim, scale: 0.5, using: &generator)
            biases = normals(classCount, scale: 0.3, using: &generator)
            labels = (0..<(batch * numTrue)).map { _ in Int32(generator.nextIndex(below: classCount)) }
        }

        func losses(_ x: [Double], _ w: [Double], _ b: [Double]) throws -> [Double] {
            var logits = [Double](repeating: 0, count: batch * classCount)
            DenseLogits.forward(
                logits: &logits, inputs: x, weights: w, biases: b, batch: batch, dim: dim, classCount: classCount)
            var loss = try SoftmaxCrossEntropy<Double>(classCount: classCount, numTrue: numTrue, maxBatch: batch)
            var losses = [Double](repeating: 0, count: batch)
            try loss.forward(losses: &losses, logits: logits, labels: labels, batch: batch)
            return losses
        }

        func gradients() throws -> (dX: [Double], dW: [Double], db: [Double]) {
            var logits = [Double](repeating: 0, count: batch * classCount)
            DenseLogits.forward(
                logits: &logits, inputs: inputs, weights: weights, biases: biases, batch: batch, dim: dim,
                classCount: classCount)
            var loss = try SoftmaxCrossEntropy<Double>(classCount: classCount, numTrue: numTrue, maxBatch: batch)
            var losses = [Double](repeating: 0, count: batch)
            try loss.forward(losses: &losses, logits: logits, labels: labels, batch: batch)
            var dLogits = [Double](repeating: .nan, count: logits.count)
            try loss.backward(dLogits: &dLogits, logits: logits, labels: labels, batch: batch, scale: 1)
            var dX = [Double](repeating: .nan, count: inputs.count)
            var dW = [Double](repeating: 0, count: weights.count)
            var db = [Double](repeating: 0, count: biases.count)
            DenseLogits.backward(
                dInputs: &dX, dWeights: &dW, dBiases: &db, dLogits: dLogits, inputs: inputs, weights: weights,
                batch: batch, dim: dim, classCount: classCount)
            return (dX, dW, db)
        }
    }

    func assertEndToEndGradients(_ p: DenseProblem) throws {
        let analytic = try p.gradients()
        func total(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
            (try? p.losses(x, w, b).reduce(0, +)) ?? .nan
        }
        var x = p.inputs, w = p.weights, b = p.biases
        assertClose(analytic.dX, numericalGradient(of: &x) { total($0, w, b) }, tolerance: 1e-6, "dX")
        assertClose(analytic.dW, numericalGradient(of: &w) { total(x, $0, b) }, tolerance: 1e-6, "dW")
        assertClose(analytic.db, numericalGradient(of: &b) { total(x, w, $0) }, tolerance: 1e-6, "db")
    }

    func testEndToEndGradientsMatchFiniteDifferences() throws {
        try assertEndToEndGradients(DenseProblem(classCount: 7, dim: 4, batch: 3, numTrue: 1, seed: 81))
    }

    func testEndToEndGradientsWithSeveralTrueClasses() throws {
        try assertEndToEndGradients(DenseProblem(classCount: 6, dim: 3, batch: 3, numTrue: 2, seed: 82))
    }

    func testLossIsMinusLogSoftmaxAndStableForHugeLogits() throws {
        let logits: [Double] = [1000, 1001, 999, -5, 0, 5]
        var loss = try SoftmaxCrossEntropy<Double>(classCount: 3, maxBatch: 2)
        var losses = [Double](repeating: 0, count: 2)
        let mean = try loss.forward(losses: &losses, logits: logits, labels: [0, 2], batch: 2)
        let first: Double = 1 + Foundation.log(Foundation.exp(-1.0) + 1 + Foundation.exp(-2.0))
        let second: Double = Foundation.log(Foundation.exp(-5.0) + 1 + Foundation.exp(5.0)) - 5
        assertRelative(losses[0], first, tolerance: 1e-12, "row 0")
        assertRelative(losses[1], second, tolerance: 1e-12, "row 1")
        assertRelative(mean, (first + second) / 2, tolerance: 1e-12, "mean")
    }

    func testBackwardIsScaledSoftmaxMinusTargets() throws {
        let logits: [Float] = [0.5, -1, 2, 0]
        var loss = try SoftmaxCrossEntropy<Float>(classCount: 4, numTrue: 2, maxBatch: 1)
        var losses: [Float] = [0]
        try loss.forward(losses: &losses, logits: logits, labels: [2, 0], batch: 1)
        var dLogits = [Float](repeating: 0, count: 4)
        try loss.backward(dLogits: &dLogits, logits: logits, labels: [2, 0], batch: 1, scale: 0.5)
        let exps = logits.map { exp(Double($0)) }
        let total = exps.reduce(0, +)
        let targets = [0.5, 0, 0.5, 0]
        let expected = (0..<4).map { 0.5 * (exps[$0] / total - targets[$0]) }
        assertClose(dLogits, expected, tolerance: 1e-6, "dLogits")
        assertRelative(Double(dLogits.reduce(0, +)), 0, tolerance: 1e-6, floor: 1, "gradient sums to zero")
    }

    func testInvalidInputsThrow() throws {
        var loss = try SoftmaxCrossEntropy<Float>(classCount: 3, maxBatch: 1)
        var losses: [Float] = [0, 0]
        XCTAssertThrowsError(try loss.forward(losses: &losses, logits: [0, 0, 0], labels: [3], batch: 1)) {
            XCTAssertEqual($0 as? SampledLossError, .classOutOfRange(what: "labels", index: 0, classID: 3, classCount: 3))
        }
        XCTAssertThrowsError(try loss.forward(losses: &losses, logits: [0, 0, 0, 0, 0, 0], labels: [0, 1], batch: 2)) {
            XCTAssertEqual($0 as? SampledLossError, .batchTooLarge(batch: 2, maxBatch: 1))
        }
        var dLogits: [Float] = [0, 0, 0]
        XCTAssertThrowsError(try loss.backward(dLogits: &dLogits, logits: [0, 0, 0], labels: [0], batch: 1, scale: 1)) {
            XCTAssertEqual($0 as? SampledLossError, .batchMismatch(forward: 0, backward: 1))
        }
        XCTAssertThrowsError(try SoftmaxCrossEntropy<Float>(classCount: 0, maxBatch: 1))
    }
}
