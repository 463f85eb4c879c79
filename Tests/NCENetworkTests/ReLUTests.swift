import NCENetwork
import SampledLosses
import XCTest

/// The vectorised Float kernels against the plain loops, bit for bit,
/// including signed zeros, NaN and infinities.
final class ReLUTests: XCTestCase {
    func testFloatKernelsMatchReference() {
        var rng = SeededGenerator(seed: 2)
        var x: [Float] = randomValues(1_037, using: &rng)
        x[0] = -0.0
        x[1] = 0
        x[2] = .nan
        x[3] = -.infinity
        x[4] = .infinity
        let gradient: [Float] = randomValues(x.count, using: &rng)
        var fast = x, slow = x
        ReLU.forward(&fast, count: x.count)
        ReLU.referenceForward(&slow, count: x.count)
        XCTAssertEqual(fast.map(\.bitPattern), slow.map(\.bitPattern))
        XCTAssertEqual(fast.filter { $0 > 0 }.count, x.filter { $0 > 0 }.count)
        XCTAssertTrue(fast.allSatisfy { !($0 < 0) })

        var dFast = gradient, dSlow = gradient
        ReLU.backward(&dFast, out: fast, count: x.count)
        ReLU.referenceBackward(&dSlow, out: slow, count: x.count)
        XCTAssertEqual(dFast.map(\.bitPattern), dSlow.map(\.bitPattern))
        XCTAssertEqual(dFast.filter { $0 != 0 }.count, fast.filter { $0 > 0 }.count)
    }

    /// The backward pass into padded rows equals the in-place one row by
    /// row, leaves the padding and the gradient alone.
    func testBackwardIntoPaddedRowsMatchesInPlace() {
        var rng = SeededGenerator(seed: 3)
        let rows = 5, width = 37, stride = 53
        var out: [Float] = randomValues(rows * width, using: &rng)
        out[0] = -0.0
        out[1] = .nan
        out[2] = .infinity
        let gradient: [Float] = randomValues(rows * width, using: &rng)
        var expected = gradient
        ReLU.referenceBackward(&expected, out: out, count: out.count)
        var padded = [Float](repeating: 42, count: rows * stride)
        padded.withUnsafeMutableBufferPointer { dst in
            ReLU.backward(into: dst.baseAddress!, stride: stride, gradient: gradient, out: out, rows: rows, width: width)
        }
        for r in 0..<rows {
            XCTAssertEqual(
                padded[(r * stride)..<(r * stride + width)].map(\.bitPattern),
                expected[(r * width)..<((r + 1) * width)].map(\.bitPattern), "row \(r)")
            XCTAssertTrue(padded[(r * stride + width)..<((r + 1) * stride)].allSatisfy { $0 == 42 }, "padding of row \(r)")
        }
        XCTAssertGreaterThan(expected.filter { $0 == 0 }.count, 0)
    }
}
