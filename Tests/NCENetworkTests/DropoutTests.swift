import NCENetwork
import SampledLosses
import XCTest

/// Dropout's mask: TensorFlow's keep rule and scale, a fixed draw order,
/// the gradient, and inference.
final class DropoutTests: XCTestCase {
    func testKeepsAboutOneMinusRateAndScalesKeptUnits() {
        let count = 100_001
        let layer = Dropout<Float>(rate: 0.3, maxCount: count)
        var rng = SeededGenerator(seed: 1)
        let x: [Float] = randomValues(count, using: &rng)
        var out = [Float](repeating: .nan, count: count)
        layer.forward(out: &out, inp: x, count: count, using: &rng)
        let kept = (0..<count).filter { layer.mask[$0] != 0 }
        // Binomial(100001, 0.7): standard deviation ≈ 145.
        XCTAssertEqual(Double(kept.count), 0.7 * Double(count), accuracy: 5 * 145)
        XCTAssertEqual(layer.scale, Float(1 / 0.7))
        for i in 0..<count {
            let expected = layer.mask[i] == 0 ? 0 : x[i] * Float(1 / 0.7)
            XCTAssertEqual(out[i].bitPattern, expected.bitPattern, "unit \(i)")
        }
    }

    /// Unit i uses half i % 2 of the generator's output i / 2, kept when
    /// (32 bits) / 2³² ≥ rate; the same state gives the same mask. Float
    /// (C kernel) and Double (Swift loop) alike, odd and even counts.
    func checkDocumentedDraws<T: NetworkScalar>(_: T.Type, count: Int, rate: Double, seed: UInt64) {
        let layer = Dropout<T>(rate: rate, maxCount: count + 4)
        var rng = SeededGenerator(seed: seed)
        var copy = rng
        layer.drawMask(count: count, using: &rng)
        var expected: [T] = []
        for _ in 0..<((count + 1) / 2) {
            let bits = copy.next()
            for half in [bits & 0xFFFF_FFFF, bits >> 32] where expected.count < count {
                expected.append(Double(half) / 0x1p32 >= rate ? T(1 / (1 - rate)) : 0)
            }
        }
        let label = "\(T.self), \(count) units, rate \(rate)"
        XCTAssertEqual(Array(UnsafeBufferPointer(start: layer.mask, count: count)), expected, label)
        XCTAssertEqual(rng.next(), copy.next(), "\(label): draws exactly ⌈count/2⌉ outputs")

        var again = SeededGenerator(seed: seed)
        let other = Dropout<T>(rate: rate, maxCount: count)
        other.drawMask(count: count, using: &again)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: other.mask, count: count)), expected, "\(label): repeat")
    }

    func testMaskFollowsTheDocumentedDraws() {
        for (count, rate) in [(9, 0.5), (64, 0.25), (1, 0.5), (33, 0.9)] {
            checkDocumentedDraws(Float.self, count: count, rate: rate, seed: UInt64(count))
            checkDocumentedDraws(Double.self, count: count, rate: rate, seed: UInt64(count))
        }
    }

    /// Dropped units are exactly +0 even for NaN or infinite inputs, as
    /// TensorFlow's `where(keep, x · scale, 0)`.
    func testDroppedUnitsAreZero() {
        let layer = Dropout<Float>(rate: 0.5, maxCount: 64)
        var rng = SeededGenerator(seed: 3)
        let x = [Float](repeating: .nan, count: 32) + [Float](repeating: -.infinity, count: 32)
        var out = [Float](repeating: 1, count: 64)
        layer.forward(out: &out, inp: x, count: 64, using: &rng)
        for i in 0..<64 where layer.mask[i] == 0 {
            XCTAssertEqual(out[i].bitPattern, Float(0).bitPattern)
        }
        XCTAssertTrue((0..<64).contains { layer.mask[$0] != 0 } && (0..<64).contains { layer.mask[$0] == 0 })
    }

    func testRateZeroIsIdentityAndDrawsNothing() {
        let layer = Dropout<Float>(rate: 0, maxCount: 5)
        var rng = SeededGenerator(seed: 4)
        let before = rng
        let x: [Float] = [1, -2, 3, .infinity, -0.0]
        var out = [Float](repeating: 0, count: 5)
        layer.forward(out: &out, inp: x, count: 5, using: &rng)
        XCTAssertEqual(out.map(\.bitPattern), x.map(\.bitPattern))
        var copy = before
        XCTAssertEqual(rng.next(), copy.next())
    }

    /// In Double with a fixed mask the layer is linear; its gradient equals
    /// central finite differences of L = Σ out · upstream, and inference
    /// is the identity (in place too).
    func testGradientWithFixedMaskMatchesFiniteDifferences() {
        let count = 40
        let layer = Dropout<Double>(rate: 0.4, maxCount: count)
        var rng = SeededGenerator(seed: 5)
        let x: [Double] = randomValues(count, using: &rng)
        let upstream: [Double] = randomValues(count, using: &rng)
        layer.drawMask(count: count, using: &rng)
        func loss(_ x: [Double]) -> Double {
            var out = [Double](repeating: 0, count: count)
            layer.applyMask(out: &out, inp: x, count: count)
            return zip(out, upstream).map { $0 * $1 }.reduce(0, +)
        }
        var dx = [Double](repeating: .nan, count: count)
        layer.backward(dinp: &dx, dout: upstream, count: count)
        let h = 1e-6
        let numeric = (0..<count).map { i -> Double in
            var up = x, down = x
            up[i] += h
            down[i] -= h
            return (loss(up) - loss(down)) / (2 * h)
        }
        XCTAssertLessThan(relativeError(dx, numeric), 1e-8)

        var copy = [Double](repeating: 0, count: count)
        Dropout<Double>.inference(out: &copy, inp: x, count: count)
        XCTAssertEqual(copy, x)
        var inPlace = x
        inPlace.withUnsafeMutableBufferPointer { buffer in
            Dropout<Double>.inference(out: buffer.baseAddress!, inp: buffer.baseAddress!, count: count)
        }
        XCTAssertEqual(inPlace, x)
    }
}
