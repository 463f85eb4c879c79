import XCTest
@testable import SampledLosses

final class DenseLogitsTests: XCTestCase {
    func testForwardIsInputsTimesWeightsTransposedPlusBias() {
        // X (2×3), W (4×3), b (4).
        let x: [Float] = [1, 2, 3, -1, 0, 2]
        let w: [Float] = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]
        let b: [Float] = [0.5, 0, 0, -1]
        var logits = [Float](repeating: .nan, count: 8)
        DenseLogits.forward(logits: &logits, inputs: x, weights: w, biases: b, batch: 2, dim: 3, classCount: 4)
        assertClose(logits, [1.5, 2, 3, 5, -0.5, 0, 2, 0] as [Double], tolerance: 1e-7, "logits")
    }

    func testBackwardOverwritesInputGradientAndAccumulatesParameterGradients() {
        let x: [Double] = [1, 2, -1, 0.5]          // B=2, D=2
        let w: [Double] = [1, -1, 2, 0, 0.5, 3]    // C=3
        let dLogits: [Double] = [1, 0, -2, 0.5, 1, 0]
        var dX: [Double] = [9, 9, 9, 9]
        var dW: [Double] = [1, 1, 1, 1, 1, 1]
        var db: [Double] = [10, 20, 30]
        DenseLogits.backward(
            dInputs: &dX, dWeights: &dW, dBiases: &db, dLogits: dLogits, inputs: x, weights: w,
            batch: 2, dim: 2, classCount: 3)
        // dX = dLogits·W, dW += dLogitsᵀ·X, db += column sums.
        assertClose(dX, [0, -7, 2.5, -0.5], tolerance: 1e-15, "dX")
        let expectedDW: [Double] = [1.5, 3.25, 0, 1.5, -1, -3]
        assertClose(dW, expectedDW, tolerance: 1e-15, "dW")
        assertClose(db, [11.5, 21, 28], tolerance: 1e-15, "db")
    }
}
