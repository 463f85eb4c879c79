import NCENetwork
import SampledLosses
import XCTest

/// One convolution problem: its shape and random inputs.
struct ConvProblem {
    var batch, height, width, inChannels, outChannels, kernel: Int
    var input: [Float], filter: [Float], bias: [Float], upstream: [Float]
    var startFilter: [Float], startBias: [Float]

    /// Inputs in [-1, 1) with about `zeros` of them zero.
    init(batch: Int, height: Int, width: Int, inChannels: Int, outChannels: Int, kernel: Int,
         zeros: Double = 0, seed: UInt64) {
        self.batch = batch
        self.height = height
        self.width = width
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        var rng = SeededGenerator(seed: seed)
        let inputCount = batch * height * width * inChannels
        let outputCount = batch * height * width * outChannels
        let filterCount = kernel * kernel * inChannels * outChannels
        input = (0..<inputCount).map { _ in
            rng.nextUnitInterval() < zeros ? 0 : Float(2 * rng.nextUnitInterval() - 1)
        }
        filter = randomValues(filterCount, using: &rng)
        bias = randomValues(outChannels, using: &rng)
        upstream = randomValues(outputCount, using: &rng)
        startFilter = randomValues(filterCount, using: &rng)
        startBias = randomValues(outChannels, using: &rng)
    }

    var label: String {
        "B\(batch) \(height)×\(width)×\(inChannels)→\(outChannels) k\(kernel)"
    }
}

/// A forward and backward pass's outputs.
struct ConvResults {
    var out: [Float], dinp: [Float], dfilter: [Float], dbias: [Float]

    func bitPatterns() -> [[UInt32]] {
        [out, dinp, dfilter, dbias].map { $0.map(\.bitPattern) }
    }
}

/// The fast convolution algorithms against the plain-loop reference, and
/// their bits across thread counts and instruction sets.
final class Conv2DTests: XCTestCase {
    func runReference(_ p: ConvProblem, bias: Bool, relu: Bool, accumulate: Bool) -> ConvResults {
        var out = [Float](repeating: .nan, count: p.upstream.count)
        var dinp = [Float](repeating: .nan, count: p.input.count)
        var dfilter = p.startFilter, dbias = p.startBias
        withOptionalPointer(bias ? p.bias : nil) { biasPointer in
            Conv2DReference.forward(
                out: &out, inp: p.input, filter: p.filter, bias: biasPointer, batch: p.batch,
                height: p.height, width: p.width, inChannels: p.inChannels,
                outChannels: p.outChannels, kernel: p.kernel, relu: relu)
        }
        var dout = p.upstream
        if relu { ReLU.referenceBackward(&dout, out: out, count: out.count) }
        Conv2DReference.backward(
            dinp: &dinp, dfilter: &dfilter, dbias: &dbias, dout: dout, inp: p.input,
            filter: p.filter, batch: p.batch, height: p.height, width: p.width,
            inChannels: p.inChannels, outChannels: p.outChannels, kernel: p.kernel,
            accumulate: accumulate)
        return ConvResults(out: out, dinp: dinp, dfilter: dfilter, dbias: dbias)
    }

    func runLayer(
        _ p: ConvProblem, algorithm: Conv2DAlgorithm, threads: Int, bias: Bool, relu: Bool,
        accumulate: Bool, inputGradient: Bool = true, maxBatch: Int? = nil
    ) -> ConvResults {
        let layer = Conv2D<Float>(
            height: p.height, width: p.width, inChannels: p.inChannels, outChannels: p.outChannels,
            kernel: p.kernel, maxBatch: maxBatch ?? p.batch, algorithm: algorithm,
            pool: WorkerPool(threads: threads))
        var out = [Float](repeating: .nan, count: p.upstream.count)
        var dinp = [Float](repeating: .nan, count: p.input.count)
        var dfilter = p.startFilter, dbias = p.startBias
        withOptionalPointer(bias ? p.bias : nil) { biasPointer in
            layer.forward(out: &out, inp: p.input, filter: p.filter, bias: biasPointer, batch: p.batch, relu: relu)
        }
        var dout = p.upstream
        if relu { ReLU.backward(&dout, out: out, count: out.count) }
        dinp.withUnsafeMutableBufferPointer { dinpBuffer in
            layer.backward(
                dinp: inputGradient ? dinpBuffer.baseAddress : nil, dfilter: &dfilter, dbias: &dbias,
                dout: dout, inp: p.input, filter: p.filter, batch: p.batch, accumulate: accumulate)
        }
        return ConvResults(out: out, dinp: dinp, dfilter: dfilter, dbias: dbias)
    }

    func assertClose(_ fast: ConvResults, _ reference: ConvResults, _ label: String, tolerance: Float = 1e-5) {
        XCTAssertLessThan(relativeError(fast.out, reference.out), tolerance, "\(label): out")
        XCTAssertLessThan(relativeError(fast.dinp, reference.dinp), tolerance, "\(label): dinp")
        XCTAssertLessThan(relativeError(fast.dfilter, reference.dfilter), tolerance, "\(label): dfilter")
        XCTAssertLessThan(relativeError(fast.dbias, reference.dbias), tolerance, "\(label): dbias")
    }

    /// Shapes with odd sizes, kernels larger than the image, one-pixel
    /// kernels, and channel counts that leave partial vectors and tiles.
    let shapes: [(batch: Int, height: Int, width: Int, inChannels: Int, outChannels: Int, kernel: Int)] = [
        (1, 5, 7, 1, 16, 5),
        (3, 7, 6, 3, 20, 3),
        (3, 9, 9, 32, 64, 5),
        (1, 4, 4, 17, 33, 5),
        (3, 6, 5, 16, 48, 1),
        (2, 8, 3, 2, 8, 7),
        (3, 11, 13, 1, 32, 5),
        (1, 3, 3, 5, 3, 3),
    ]

    func testEveryAlgorithmMatchesReference() {
        for (index, s) in shapes.enumerated() {
            for zeros in [0.0, 0.7] {
                let p = ConvProblem(
                    batch: s.batch, height: s.height, width: s.width, inChannels: s.inChannels,
                    outChannels: s.outChannels, kernel: s.kernel, zeros: zeros, seed: UInt64(10 + index))
                for (bias, relu, accumulate) in [(true, false, true), (false, true, false), (true, true, false)] {
                    let reference = runReference(p, bias: bias, relu: relu, accumulate: accumulate)
                    for algorithm in Conv2DAlgorithm.allCases {
                        let fast = runLayer(
                            p, algorithm: algorithm, threads: 1, bias: bias, relu: relu, accumulate: accumulate)
                        assertClose(
                            fast, reference,
                            "\(algorithm) \(p.label) zeros \(zeros) bias \(bias) relu \(relu) accumulate \(accumulate)")
                    }
                }
            }
        }
    }

    /// Threads 1, 2 and 3 give the same bits; so do the direct and the
    /// sparse algorithms (same order of fused multiply-adds, zeros skipped).
    func testSameBitsForAnyThreadCount() {
        for (index, s) in shapes.enumerated() {
            let p = ConvProblem(
                batch: s.batch, height: s.height, width: s.width, inChannels: s.inChannels,
                outChannels: s.outChannels, kernel: s.kernel, zeros: 0.6, seed: UInt64(30 + index))
            var direct: [[UInt32]] = []
            for algorithm in Conv2DAlgorithm.allCases {
                let single = runLayer(p, algorithm: algorithm, threads: 1, bias: true, relu: true, accumulate: true)
                for threads in [2, 3] {
                    let multi = runLayer(p, algorithm: algorithm, threads: threads, bias: true, relu: true, accumulate: true)
                    XCTAssertEqual(multi.bitPatterns(), single.bitPatterns(), "\(algorithm) \(p.label), \(threads) threads")
                }
                if algorithm == .direct { direct = single.bitPatterns() }
                if algorithm == .sparseInput {
                    XCTAssertEqual(single.bitPatterns(), direct, "sparse-input against direct, \(p.label)")
                }
            }
        }
    }

    /// The AVX-512, AVX2 and portable kernels give the same bits.
    func testSameBitsOnEveryInstructionSet() {
        let best = ConvolutionInstructionSet.current
        defer { ConvolutionInstructionSet.limit(to: .avx512) }
        let p = ConvProblem(batch: 2, height: 9, width: 7, inChannels: 32, outChannels: 48, kernel: 5, zeros: 0.5, seed: 50)
        let q = ConvProblem(batch: 2, height: 10, width: 9, inChannels: 1, outChannels: 40, kernel: 5, zeros: 0.8, seed: 51)
        var results: [ConvolutionInstructionSet: [[[UInt32]]]] = [:]
        for set in ConvolutionInstructionSet.allCases where set.rawValue <= best.rawValue {
            ConvolutionInstructionSet.limit(to: set)
            XCTAssertEqual(ConvolutionInstructionSet.current, set)
            results[set] = [
                runLayer(p, algorithm: .direct, threads: 2, bias: true, relu: false, accumulate: false).bitPatterns(),
                runLayer(q, algorithm: .sparseInput, threads: 2, bias: true, relu: true, accumulate: true).bitPatterns(),
            ]
        }
        for (set, bits) in results {
            XCTAssertEqual(bits, results[.portable], "\(set) against portable")
        }
    }

    /// A batch smaller than maxBatch, no input gradient (dinp left alone),
    /// and an empty batch (nothing written but the overwritten gradients).
    func testPartialBatchAndSkippedInputGradient() {
        let p = ConvProblem(batch: 2, height: 6, width: 6, inChannels: 4, outChannels: 16, kernel: 3, seed: 60)
        let reference = runReference(p, bias: true, relu: false, accumulate: true)
        for algorithm in Conv2DAlgorithm.allCases {
            let fast = runLayer(
                p, algorithm: algorithm, threads: 2, bias: true, relu: false, accumulate: true,
                inputGradient: false, maxBatch: 5)
            XCTAssertLessThan(relativeError(fast.out, reference.out), 1e-5, "\(algorithm): out")
            XCTAssertLessThan(relativeError(fast.dfilter, reference.dfilter), 1e-5, "\(algorithm): dfilter")
            XCTAssertTrue(fast.dinp.allSatisfy(\.isNaN), "\(algorithm): dinp must be left alone when nil")

            let layer = Conv2D<Float>(
                height: 6, width: 6, inChannels: 4, outChannels: 16, kernel: 3, maxBatch: 5, algorithm: algorithm)
            var dfilter = p.startFilter, dbias = p.startBias
            layer.backward(dinp: nil, dfilter: &dfilter, dbias: &dbias, dout: [], inp: [], filter: p.filter, batch: 0, accumulate: true)
            XCTAssertEqual(dfilter, p.startFilter, "\(algorithm): empty batch, accumulate")
            layer.backward(dinp: nil, dfilter: &dfilter, dbias: &dbias, dout: [], inp: [], filter: p.filter, batch: 0, accumulate: false)
            XCTAssertTrue(dfilter.allSatisfy { $0 == 0 } && dbias.allSatisfy { $0 == 0 }, "\(algorithm): empty batch, overwrite")
        }
    }

    /// A first layer (no input gradient) holds less scratch and gives the
    /// same filter and bias gradients.
    func testFirstLayerWithoutInputGradient() {
        let p = ConvProblem(batch: 3, height: 7, width: 9, inChannels: 1, outChannels: 32, kernel: 5, zeros: 0.8, seed: 65)
        for algorithm in Conv2DAlgorithm.allCases {
            let full = Conv2D<Float>(height: 7, width: 9, inChannels: 1, outChannels: 32, kernel: 5, maxBatch: 3, algorithm: algorithm)
            let first = Conv2D<Float>(
                height: 7, width: 9, inChannels: 1, outChannels: 32, kernel: 5, maxBatch: 3, algorithm: algorithm,
                computesInputGradient: false, pool: WorkerPool(threads: 2))
            XCTAssertLessThanOrEqual(first.scratchByteCount, full.scratchByteCount, "\(algorithm)")
            if algorithm != .im2colGEMM { XCTAssertLessThan(first.scratchByteCount, full.scratchByteCount, "\(algorithm)") }
            var a = p.startFilter, b = p.startFilter, biasA = p.startBias, biasB = p.startBias
            full.backward(dinp: nil, dfilter: &a, dbias: &biasA, dout: p.upstream, inp: p.input, filter: p.filter, batch: 3, accumulate: false)
            first.backward(dinp: nil, dfilter: &b, dbias: &biasB, dout: p.upstream, inp: p.input, filter: p.filter, batch: 3, accumulate: false)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "\(algorithm): dfilter")
            XCTAssertEqual(biasA.map(\.bitPattern), biasB.map(\.bitPattern), "\(algorithm): dbias")
        }
    }

    /// Calling backward twice with accumulate adds the gradients.
    func testAccumulateAddsAcrossCalls() {
        let p = ConvProblem(batch: 2, height: 5, width: 5, inChannels: 2, outChannels: 16, kernel: 3, seed: 70)
        for algorithm in Conv2DAlgorithm.allCases {
            let layer = Conv2D<Float>(height: 5, width: 5, inChannels: 2, outChannels: 16, kernel: 3, maxBatch: 2, algorithm: algorithm)
            var once = [Float](repeating: 0, count: p.filter.count), twice = once
            var bias1 = [Float](repeating: 0, count: 16), bias2 = bias1
            layer.backward(dinp: nil, dfilter: &once, dbias: &bias1, dout: p.upstream, inp: p.input, filter: p.filter, batch: 2, accumulate: false)
            for _ in 0..<2 {
                layer.backward(dinp: nil, dfilter: &twice, dbias: &bias2, dout: p.upstream, inp: p.input, filter: p.filter, batch: 2, accumulate: true)
            }
            XCTAssertLessThan(relativeError(twice, once.map { 2 * $0 }), 1e-6, "\(algorithm): dfilter")
            XCTAssertLessThan(relativeError(bias2, bias1.map { 2 * $0 }), 1e-6, "\(algorithm): dbias")
        }
    }

    /// Double precision: the layer (im2col + BLAS) against the reference,
    /// and every gradient against central finite differences of
    /// L = Σ out · upstream.
    func testDoubleGradientsMatchFiniteDifferences() {
        let batch = 2, height = 5, width = 4, c = 3, oc = 4, k = 3
        var rng = SeededGenerator(seed: 80)
        let x: [Double] = randomValues(batch * height * width * c, using: &rng)
        let w: [Double] = randomValues(k * k * c * oc, using: &rng)
        let b: [Double] = randomValues(oc, using: &rng)
        let upstream: [Double] = randomValues(batch * height * width * oc, using: &rng)
        let layer = Conv2D<Double>(height: height, width: width, inChannels: c, outChannels: oc, kernel: k, maxBatch: batch)
        XCTAssertEqual(layer.algorithm, .im2colGEMM)

        func loss(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
            var out = [Double](repeating: 0, count: upstream.count)
            layer.forward(out: &out, inp: x, filter: w, bias: b, batch: batch)
            return zip(out, upstream).map { $0 * $1 }.reduce(0, +)
        }
        var dx = [Double](repeating: 0, count: x.count)
        var dw = [Double](repeating: 0, count: w.count), db = [Double](repeating: 0, count: oc)
        layer.backward(dinp: &dx, dfilter: &dw, dbias: &db, dout: upstream, inp: x, filter: w, batch: batch, accumulate: false)

        var refOut = [Double](repeating: 0, count: upstream.count), out = refOut
        layer.forward(out: &out, inp: x, filter: w, bias: b, batch: batch)
        Conv2DReference.forward(
            out: &refOut, inp: x, filter: w, bias: b, batch: batch, height: height, width: width,
            inChannels: c, outChannels: oc, kernel: k)
        XCTAssertLessThan(relativeError(out, refOut), 1e-14)

        let h = 1e-6
        func numeric(_ count: Int, _ perturbed: (Int, Double) -> Double) -> [Double] {
            (0..<count).map { i in (perturbed(i, h) - perturbed(i, -h)) / (2 * h) }
        }
        let numericX = numeric(x.count) { i, d in var y = x; y[i] += d; return loss(y, w, b) }
        let numericW = numeric(w.count) { i, d in var v = w; v[i] += d; return loss(x, v, b) }
        let numericB = numeric(b.count) { i, d in var v = b; v[i] += d; return loss(x, w, v) }
        XCTAssertLessThan(relativeError(dx, numericX), 1e-7, "dinp")
        XCTAssertLessThan(relativeError(dw, numericW), 1e-7, "dfilter")
        XCTAssertLessThan(relativeError(db, numericB), 1e-7, "dbias")
    }
}
