import NCENetwork
import SampledLosses
import XCTest

/// The BLAS path of `Dense` against the plain-loop reference on random inputs.
final class DenseTests: XCTestCase {
    func checkAgainstReference(
        batch: Int, inputs: Int, outputs: Int, bias: Bool, inputGradient: Bool, seed: UInt64,
        layout: WeightLayout = .outputMajor, accumulate: Bool = true
    ) {
        var rng = SeededGenerator(seed: seed)
        let x: [Float] = randomValues(batch * inputs, using: &rng)
        let w: [Float] = randomValues(outputs * inputs, using: &rng)
        let b: [Float] = randomValues(outputs, using: &rng)
        let dout: [Float] = randomValues(batch * outputs, using: &rng)
        let startW: [Float] = randomValues(outputs * inputs, using: &rng)
        let startB: [Float] = randomValues(outputs, using: &rng)

        var fast = [Float](repeating: 0, count: batch * outputs), slow = fast
        b.withUnsafeBufferPointer { bp in
            Dense.forward(out: &fast, inp: x, weight: w, bias: bias ? bp.baseAddress : nil, batch: batch, inputs: inputs, outputs: outputs, layout: layout)
            DenseReference.forward(out: &slow, inp: x, weight: w, bias: bias ? bp.baseAddress : nil, batch: batch, inputs: inputs, outputs: outputs, layout: layout)
        }
        XCTAssertLessThan(relativeError(fast, slow), 1e-5, "forward \(batch)×\(inputs)→\(outputs)")

        var dxFast = [Float](repeating: .nan, count: batch * inputs), dxSlow = dxFast
        var dwFast = startW, dwSlow = startW, dbFast = startB, dbSlow = startB
        dxFast.withUnsafeMutableBufferPointer { dxf in
            dxSlow.withUnsafeMutableBufferPointer { dxs in
                dbFast.withUnsafeMutableBufferPointer { dbf in
                    dbSlow.withUnsafeMutableBufferPointer { dbs in
                        Dense.backward(
                            dinp: inputGradient ? dxf.baseAddress : nil, dweight: &dwFast,
                            dbias: bias ? dbf.baseAddress : nil, dout: dout, inp: x, weight: w,
                            batch: batch, inputs: inputs, outputs: outputs, layout: layout, accumulate: accumulate)
                        DenseReference.backward(
                            dinp: inputGradient ? dxs.baseAddress : nil, dweight: &dwSlow,
                            dbias: bias ? dbs.baseAddress : nil, dout: dout, inp: x, weight: w,
                            batch: batch, inputs: inputs, outputs: outputs, layout: layout, accumulate: accumulate)
                    }
                }
            }
        }
        if inputGradient {
            XCTAssertLessThan(relativeError(dxFast, dxSlow), 1e-5, "dinp")
        } else {
            XCTAssertTrue(dxFast.allSatisfy(\.isNaN), "dinp must be left alone when nil")
        }
        XCTAssertLessThan(relativeError(dwFast, dwSlow), 1e-5, "dweight")
        XCTAssertLessThan(relativeError(dbFast, dbSlow), 1e-5, "dbias")
        if !bias { XCTAssertEqual(dbFast, startB, "dbias must be left alone when nil") }
    }

    func testBLASMatchesReferenceOnOddShapes() {
        checkAgainstReference(batch: 7, inputs: 13, outputs: 5, bias: true, inputGradient: true, seed: 1)
        checkAgainstReference(batch: 1, inputs: 1, outputs: 1, bias: true, inputGradient: true, seed: 2)
        checkAgainstReference(batch: 33, inputs: 65, outputs: 17, bias: false, inputGradient: false, seed: 3)
    }

    func testInputMajorLayoutAndOverwrite() {
        checkAgainstReference(batch: 9, inputs: 21, outputs: 6, bias: true, inputGradient: true, seed: 6, layout: .inputMajor)
        checkAgainstReference(batch: 9, inputs: 21, outputs: 6, bias: true, inputGradient: true, seed: 7, layout: .inputMajor, accumulate: false)
        checkAgainstReference(batch: 5, inputs: 8, outputs: 3, bias: false, inputGradient: false, seed: 8, accumulate: false)
    }

    func testBLASMatchesReferenceAtTrainingShapes() {
        // The hidden layer's shape at a small batch, and the output layer's.
        checkAgainstReference(batch: 16, inputs: 784, outputs: 128, bias: true, inputGradient: false, seed: 4)
        checkAgainstReference(batch: 32, inputs: 1024, outputs: 10, bias: true, inputGradient: true, seed: 5)
    }

    func testBackwardAccumulatesIntoWeightGradient() {
        // dweight += doutᵀ·x twice must equal 2·(doutᵀ·x) from zero.
        let x: [Float] = [1, 2, 3, 4], w: [Float] = [0.5, -1], dout: [Float] = [1, -2]
        var dw = [Float](repeating: 0, count: 2)
        for _ in 0..<2 {
            Dense.backward(dinp: nil, dweight: &dw, dbias: nil, dout: dout, inp: x, weight: w, batch: 2, inputs: 2, outputs: 1)
        }
        // doutᵀ·x = [1·1 + (−2)·3, 1·2 + (−2)·4] = [−5, −6]
        XCTAssertEqual(dw[0], -10, accuracy: 1e-6)
        XCTAssertEqual(dw[1], -12, accuracy: 1e-6)
    }
}
