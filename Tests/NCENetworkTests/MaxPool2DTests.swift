import NCENetwork
import SampledLosses
import XCTest

/// The pooling kernels against the plain loops (bit for bit, any thread
/// count), the tie rule, the fused ReLU, and finite differences.
final class MaxPool2DTests: XCTestCase {
    struct PoolResults: Equatable {
        var out: [UInt32], argmax: [UInt8], dinp: [UInt32]
    }

    func run(
        fast: Bool, input: [Float], upstream: [Float], batch: Int, height: Int, width: Int,
        channels: Int, relu: Bool, positiveOnly: Bool, threads: Int
    ) -> PoolResults {
        let oh = MaxPool2D.outputSize(height), ow = MaxPool2D.outputSize(width)
        var out = [Float](repeating: .nan, count: batch * oh * ow * channels)
        var argmax = [UInt8](repeating: 9, count: out.count)
        var dinp = [Float](repeating: .nan, count: input.count)
        if fast {
            MaxPool2D.forward(
                out: &out, argmax: &argmax, inp: input, batch: batch, height: height, width: width,
                channels: channels, relu: relu, pool: WorkerPool(threads: threads))
        } else {
            MaxPool2DReference.forward(
                out: &out, argmax: &argmax, inp: input, batch: batch, height: height, width: width,
                channels: channels, relu: relu)
        }
        out.withUnsafeBufferPointer { pooled in
            let mask = positiveOnly ? pooled.baseAddress : nil
            if fast {
                MaxPool2D.backward(
                    dinp: &dinp, dout: upstream, argmax: argmax, positiveOnly: mask, batch: batch,
                    height: height, width: width, channels: channels, pool: WorkerPool(threads: threads))
            } else {
                MaxPool2DReference.backward(
                    dinp: &dinp, dout: upstream, argmax: argmax, positiveOnly: mask, batch: batch,
                    height: height, width: width, channels: channels)
            }
        }
        return PoolResults(out: out.map(\.bitPattern), argmax: argmax, dinp: dinp.map(\.bitPattern))
    }

    func testKernelsMatchReferenceOnOddSizes() {
        let shapes = [(1, 1, 1, 1), (3, 5, 7, 3), (2, 28, 28, 32), (3, 14, 14, 64), (1, 4, 9, 17), (2, 7, 2, 5)]
        for (index, (batch, height, width, channels)) in shapes.enumerated() {
            var rng = SeededGenerator(seed: UInt64(100 + index))
            // Coarse values, so that windows hold ties too.
            let input = (0..<(batch * height * width * channels)).map { _ in Float(rng.nextIndex(below: 9)) - 4 }
            let upstream: [Float] = randomValues(
                batch * MaxPool2D.outputSize(height) * MaxPool2D.outputSize(width) * channels, using: &rng)
            for (relu, positiveOnly) in [(false, false), (true, true), (false, true)] {
                let reference = run(
                    fast: false, input: input, upstream: upstream, batch: batch, height: height, width: width,
                    channels: channels, relu: relu, positiveOnly: positiveOnly, threads: 1)
                for threads in [1, 2, 3] {
                    let fast = run(
                        fast: true, input: input, upstream: upstream, batch: batch, height: height, width: width,
                        channels: channels, relu: relu, positiveOnly: positiveOnly, threads: threads)
                    XCTAssertEqual(fast, reference, "\(batch)×\(height)×\(width)×\(channels) relu \(relu) mask \(positiveOnly), \(threads) threads")
                }
            }
        }
    }

    /// Ties go to the first maximum in row-major window order; padded
    /// positions of odd edges never win; the gradient goes only there.
    func testTiesGoToTheFirstMaximum() {
        // One 3×3 image, one channel: windows [[5, 5], [5, 5]], [[1], [7]]
        // (right edge), [[2, 9]] (bottom edge), [[−3]] (corner).
        let input: [Float] = [
            5, 5, 1,
            5, 5, 7,
            2, 9, -3,
        ]
        let upstream: [Float] = [10, 20, 30, 40]
        for fast in [false, true] {
            let r = run(
                fast: fast, input: input, upstream: upstream, batch: 1, height: 3, width: 3, channels: 1,
                relu: false, positiveOnly: false, threads: 1)
            XCTAssertEqual(r.out.map(Float.init(bitPattern:)), [5, 7, 9, -3])
            XCTAssertEqual(r.argmax, [0, 2, 1, 0])
            XCTAssertEqual(r.dinp.map(Float.init(bitPattern:)), [10, 0, 0, 0, 0, 20, 0, 30, 40])
            // With the ReLU mask the negative corner routes nothing.
            let masked = run(
                fast: fast, input: input, upstream: upstream, batch: 1, height: 3, width: 3, channels: 1,
                relu: true, positiveOnly: true, threads: 1)
            XCTAssertEqual(masked.out.map(Float.init(bitPattern:)), [5, 7, 9, 0])
            XCTAssertEqual(masked.dinp.map(Float.init(bitPattern:)), [10, 0, 0, 0, 0, 20, 0, 30, 0])
        }
    }

    /// Fused ReLU + pooling equals ReLU then pooling; the masked backward
    /// equals pooling's backward then ReLU's.
    func testFusedReLUMatchesReLUThenPool() {
        var rng = SeededGenerator(seed: 120)
        let batch = 2, height = 9, width = 8, channels = 16
        let input: [Float] = randomValues(batch * height * width * channels, using: &rng)
        let pooledCount = batch * 5 * 4 * channels
        let upstream: [Float] = randomValues(pooledCount, using: &rng)
        var rectified = input
        ReLU.forward(&rectified, count: rectified.count)

        var fused = [Float](repeating: 0, count: pooledCount), plain = fused
        var fusedArgmax = [UInt8](repeating: 0, count: pooledCount), plainArgmax = fusedArgmax
        MaxPool2D.forward(out: &fused, argmax: &fusedArgmax, inp: input, batch: batch, height: height, width: width, channels: channels, relu: true)
        MaxPool2D.forward(out: &plain, argmax: &plainArgmax, inp: rectified, batch: batch, height: height, width: width, channels: channels)
        XCTAssertEqual(fused.map(\.bitPattern), plain.map(\.bitPattern))

        var fusedGradient = [Float](repeating: 0, count: input.count), plainGradient = fusedGradient
        MaxPool2D.backward(dinp: &fusedGradient, dout: upstream, argmax: fusedArgmax, positiveOnly: fused, batch: batch, height: height, width: width, channels: channels)
        MaxPool2D.backward(dinp: &plainGradient, dout: upstream, argmax: plainArgmax, batch: batch, height: height, width: width, channels: channels)
        ReLU.backward(&plainGradient, out: rectified, count: rectified.count)
        XCTAssertEqual(fusedGradient.map(\.bitPattern), plainGradient.map(\.bitPattern))
    }

    /// Double: the gradient against central finite differences of
    /// L = Σ out · upstream (distinct inputs, so no window's argmax moves).
    func testDoubleGradientMatchesFiniteDifferences() {
        let batch = 2, height = 5, width = 3, channels = 2
        var rng = SeededGenerator(seed: 130)
        let x: [Double] = randomValues(batch * height * width * channels, using: &rng)
        let pooledCount = batch * 3 * 2 * channels
        let upstream: [Double] = randomValues(pooledCount, using: &rng)
        func loss(_ x: [Double]) -> Double {
            var out = [Double](repeating: 0, count: pooledCount)
            MaxPool2D.forward(out: &out, argmax: nil, inp: x, batch: batch, height: height, width: width, channels: channels)
            return zip(out, upstream).map { $0 * $1 }.reduce(0, +)
        }
        var out = [Double](repeating: 0, count: pooledCount)
        var argmax = [UInt8](repeating: 0, count: pooledCount)
        MaxPool2D.forward(out: &out, argmax: &argmax, inp: x, batch: batch, height: height, width: width, channels: channels)
        var dx = [Double](repeating: .nan, count: x.count)
        MaxPool2D.backward(dinp: &dx, dout: upstream, argmax: argmax, batch: batch, height: height, width: width, channels: channels)
        let h = 1e-6
        let numeric = (0..<x.count).map { i -> Double in
            var up = x, down = x
            up[i] += h
            down[i] -= h
            return (loss(up) - loss(down)) / (2 * h)
        }
        XCTAssertLessThan(relativeError(dx, numeric), 1e-8)
    }
}
