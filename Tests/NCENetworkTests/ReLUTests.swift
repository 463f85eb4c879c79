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
}
