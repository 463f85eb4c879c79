import NCENetwork
import SampledLosses
import XCTest

/// The input-major reference against a small case worked by hand and
/// against `DenseReference` given the transposed weight.
final class SparseInputDenseReferenceTests: XCTestCase {
    func testSmallCaseByHand() {
        // x = [1 0; 0 2], weight (2×3) = [1 2 3; 4 5 6], bias = [0.5 0 -1]
        let x: [Double] = [1, 0, 0, 2], w: [Double] = [1, 2, 3, 4, 5, 6], bias: [Double] = [0.5, 0, -1]
        var out = [Double](repeating: .nan, count: 6)
        SparseInputDenseReference.forward(out: &out, x: x, weight: w, bias: bias, batch: 2, inputs: 2, outputs: 3)
        for (value, expected) in zip(out, [1.5, 2, 2, 8.5, 10, 11] as [Double]) {
            XCTAssertEqual(value, expected, accuracy: 1e-12)
        }
        // dout = [1 0 -1; 2 1 0]: xᵀ·dout = [1 0 -1; 4 2 0], Σ rows = [3 1 -1].
        let dout: [Double] = [1, 0, -1, 2, 1, 0]
        var dw = [Double](repeating: 1, count: 6), db = [Double](repeating: 1, count: 3)
        SparseInputDenseReference.backwardWeights(
            dweight: &dw, dbias: &db, dout: dout, x: x, batch: 2, inputs: 2, outputs: 3, accumulate: true)
        for (value, expected) in zip(dw + db, [2, 1, 0, 5, 3, 1, 4, 2, 0] as [Double]) {
            XCTAssertEqual(value, expected, accuracy: 1e-12)
        }
        SparseInputDenseReference.backwardWeights(
            dweight: &dw, dbias: &db, dout: dout, x: x, batch: 2, inputs: 2, outputs: 3, accumulate: false)
        for (value, expected) in zip(dw + db, [1, 0, -1, 4, 2, 0, 3, 1, -1] as [Double]) {
            XCTAssertEqual(value, expected, accuracy: 1e-12)
        }
    }

    func testAgreesWithDenseReferenceOnTransposedWeight() {
        var rng = SeededGenerator(seed: 21)
        let (batch, inputs, outputs) = (5, 9, 4)
        let x: [Double] = randomValues(batch * inputs, using: &rng)
        let w: [Double] = randomValues(inputs * outputs, using: &rng)
        let bias: [Double] = randomValues(outputs, using: &rng)
        let dout: [Double] = randomValues(batch * outputs, using: &rng)
        var transposed = [Double](repeating: 0, count: w.count)
        for i in 0..<inputs { for o in 0..<outputs { transposed[o * inputs + i] = w[i * outputs + o] } }

        var out = [Double](repeating: 0, count: batch * outputs), expected = out
        SparseInputDenseReference.forward(out: &out, x: x, weight: w, bias: bias, batch: batch, inputs: inputs, outputs: outputs)
        DenseReference.forward(out: &expected, inp: x, weight: transposed, bias: bias, batch: batch, inputs: inputs, outputs: outputs)
        XCTAssertLessThan(relativeError(out, expected), 1e-12)

        var dw = [Double](repeating: 0, count: w.count), dwTransposed = dw
        var db = [Double](repeating: 0, count: outputs), dbExpected = db
        SparseInputDenseReference.backwardWeights(
            dweight: &dw, dbias: &db, dout: dout, x: x, batch: batch, inputs: inputs, outputs: outputs, accumulate: true)
        DenseReference.backward(
            dinp: nil, dweight: &dwTransposed, dbias: &dbExpected, dout: dout, inp: x, weight: transposed,
            batch: batch, inputs: inputs, outputs: outputs)
        var dwExpected = [Double](repeating: 0, count: w.count)
        for i in 0..<inputs { for o in 0..<outputs { dwExpected[i * outputs + o] = dwTransposed[o * inputs + i] } }
        XCTAssertLessThan(relativeError(dw, dwExpected), 1e-12)
        XCTAssertLessThan(relativeError(db, dbExpected), 1e-12)
    }
}
