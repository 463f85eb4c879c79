import ArgumentParser
import Foundation
import MNISTData
import NCENetwork
import SampledLosses

/// Times the layers of TensorFlow's MNIST tutorial CNN (`deepnn`) at one
/// batch, each convolution algorithm separately, and the whole trunk.
struct ConvBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv",
        abstract: "Time the CNN's layers (conv 5×5 1→32, pool, conv 5×5 32→64, pool, dense 3136→1024, dropout) on bundled MNIST digits.",
        discussion: """
            conv1 runs on the first training images of --data-dir (sparsity matters);
            conv2 and the rest on the activations they produce with TensorFlow's
            initialisation (truncated normal σ 0.1, biases 0.1). Times are per call,
            median and best of --repetitions after a warm-up; GFLOP/s are from the
            median and count the dense arithmetic (2 per multiply-add), also for
            the sparse algorithm. OpenBLAS runs one thread beside the worker pool,
            except where a line says otherwise.
            """)

    @Option var threads = 2
    @Option var batch = 50
    @Option var repetitions = 40
    @Option(help: "Cap the convolution kernels' instruction set: avx512, avx2 or portable.")
    var isa: String?
    @Option var dataDir = "data/mnist"

    func validate() throws {
        guard threads >= 1, batch >= 1, repetitions >= 1 else {
            throw ValidationError("--threads, --batch and --repetitions must be positive")
        }
    }

    func run() throws {
        if let isa {
            guard let set = ConvolutionInstructionSet.allCases.first(where: { $0.description == isa }) else {
                throw ValidationError("unknown --isa \(isa); use avx512, avx2 or portable")
            }
            ConvolutionInstructionSet.limit(to: set)
        }
        BLASThreads.set(1)
        let data = try MNISTDataSet.load(directory: dataDir)
        guard data.train.count >= batch else {
            throw ValidationError("--batch \(batch) exceeds the \(data.train.count) training images")
        }
        let bench = try ConvTrunkBench(
            images: data.train, batch: batch, threads: threads, repetitions: repetitions)
        print("CPU \(Self.cpuModel()), ISA \(Self.cpuISA()); convolution kernels: \(ConvolutionInstructionSet.current)")
        print("OpenBLAS kernel \(BLASThreads.coreName); \(threads) threads; batch \(batch); median and best of \(repetitions)")
        bench.report()
    }

    /// The processor's name from /proc/cpuinfo.
    static func cpuModel() -> String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":")
        else { return "unknown" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// avx512f or avx2 from the processor's flags in /proc/cpuinfo.
    static func cpuISA() -> String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return "unknown" }
        let flags = Set(line.split(separator: " ").map(String.init))
        if flags.contains("avx512f") { return "avx512f" }
        if flags.contains("avx2") { return "avx2" }
        return "neither avx2 nor avx512f"
    }
}

/// The network's buffers at one batch, and the timings.
final class ConvTrunkBench {
    let batch: Int, threads: Int, repetitions: Int
    let pool: WorkerPool
    // Shapes: 28×28×1 → conv 32 → pool 14×14×32 → conv 64 → pool 7×7×64 → 3136 → 1024.
    static let k = 5, c1 = 32, c2 = 64, units = 1024
    let features = 7 * 7 * 64

    let x: [Float]
    let filter1: [Float], bias1: [Float], filter2: [Float], bias2: [Float], fcWeight: [Float], fcBias: [Float]
    var a1: [Float], p1: [Float], a2: [Float], p2: [Float], hidden: [Float], dropped: [Float]
    var argmax1: [UInt8], argmax2: [UInt8]
    // Gradients.
    var dHidden: [Float], dDropped: [Float], dP2: [Float], dA2: [Float], dP1: [Float], dA1: [Float]
    var dFilter1: [Float], dBias1: [Float], dFilter2: [Float], dBias2: [Float], dFcWeight: [Float], dFcBias: [Float]
    let dropout: Dropout<Float>
    var rng = SeededGenerator(seed: 11)

    init(images: ImageSet, batch: Int, threads: Int, repetitions: Int) throws {
        self.batch = batch
        self.threads = threads
        self.repetitions = repetitions
        pool = WorkerPool(threads: threads)
        x = images.pixels.prefix(batch * 784).map { Float($0) / 255 }
        var init_ = SeededGenerator(seed: 1)
        func normal(_ n: Int) -> [Float] { (0..<n).map { _ in Float(init_.nextTruncatedNormal() * 0.1) } }
        let k = Self.k, c1 = Self.c1, c2 = Self.c2, units = Self.units
        filter1 = normal(k * k * c1)
        filter2 = normal(k * k * c1 * c2)
        fcWeight = normal(7 * 7 * c2 * units)
        bias1 = [Float](repeating: 0.1, count: c1)
        bias2 = [Float](repeating: 0.1, count: c2)
        fcBias = [Float](repeating: 0.1, count: units)
        func zeros(_ n: Int) -> [Float] { [Float](repeating: 0, count: n) }
        a1 = zeros(batch * 784 * c1)
        p1 = zeros(batch * 196 * c1)
        a2 = zeros(batch * 196 * c2)
        p2 = zeros(batch * 49 * c2)
        hidden = zeros(batch * units)
        dropped = zeros(batch * units)
        argmax1 = [UInt8](repeating: 0, count: p1.count)
        argmax2 = [UInt8](repeating: 0, count: p2.count)
        var upstream = SeededGenerator(seed: 2)
        dHidden = (0..<(batch * units)).map { _ in Float(upstream.nextUnitInterval() - 0.5) * 0.01 }
        dDropped = zeros(batch * units)
        dP2 = zeros(p2.count)
        dA2 = zeros(a2.count)
        dP1 = zeros(p1.count)
        dA1 = zeros(a1.count)
        dFilter1 = zeros(filter1.count)
        dBias1 = zeros(c1)
        dFilter2 = zeros(filter2.count)
        dBias2 = zeros(c2)
        dFcWeight = zeros(fcWeight.count)
        dFcBias = zeros(units)
        dropout = Dropout<Float>(rate: 0.5, maxCount: batch * units)
    }

    /// Median and best seconds per call of `body`, after three warm-up calls.
    func time(_ body: () -> Void) -> (median: Double, best: Double) {
        for _ in 0..<3 { body() }
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(repetitions)
        for _ in 0..<repetitions {
            let start = clock.now
            body()
            let elapsed = clock.now - start
            samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[0])
    }

    func line(_ name: String, _ t: (median: Double, best: Double), flops: Double? = nil) {
        var text = String(format: "  %-44@ %8.3f ms %8.3f ms", name, t.median * 1e3, t.best * 1e3)
        if let flops { text += String(format: " %7.1f GFLOP/s", flops / t.median / 1e9) }
        print(text)
    }

    func conv1(_ algorithm: Conv2DAlgorithm) -> Conv2D<Float> {
        Conv2D<Float>(
            height: 28, width: 28, inChannels: 1, outChannels: Self.c1, kernel: Self.k, maxBatch: batch,
            algorithm: algorithm, computesInputGradient: false, pool: pool)
    }

    func conv2(_ algorithm: Conv2DAlgorithm) -> Conv2D<Float> {
        Conv2D<Float>(height: 14, width: 14, inChannels: Self.c1, outChannels: Self.c2, kernel: Self.k, maxBatch: batch, algorithm: algorithm, pool: pool)
    }

    func fraction(zerosOf values: [Float]) -> Double {
        Double(values.lazy.filter { $0 == 0 }.count) / Double(values.count)
    }

    /// The forward pass with the automatic algorithms, filling every activation.
    func forwardPass(_ conv1: Conv2D<Float>, _ conv2: Conv2D<Float>, blasThreads: Int) {
        let b = batch
        conv1.forward(out: &a1, inp: x, filter: filter1, bias: bias1, batch: b, relu: true)
        MaxPool2D.forward(out: &p1, argmax: &argmax1, inp: a1, batch: b, height: 28, width: 28, channels: Self.c1, pool: pool)
        conv2.forward(out: &a2, inp: p1, filter: filter2, bias: bias2, batch: b, relu: true)
        MaxPool2D.forward(out: &p2, argmax: &argmax2, inp: a2, batch: b, height: 14, width: 14, channels: Self.c2, pool: pool)
        denseForward(blasThreads: blasThreads)
        dropout.forward(out: &dropped, inp: hidden, count: b * Self.units, using: &rng)
    }

    /// Runs the dense layer's forward product, or its two gradient
    /// products, split over the worker pool (BLAS one thread).
    func splitDense(backward: Bool) {
        hidden.withUnsafeMutableBufferPointer { out in
            dFcWeight.withUnsafeMutableBufferPointer { dweight in
                dP2.withUnsafeMutableBufferPointer { dinp in
                    p2.withUnsafeBufferPointer { inp in
                        fcWeight.withUnsafeBufferPointer { weight in
                            fcBias.withUnsafeBufferPointer { bias in
                                dDropped.withUnsafeBufferPointer { dout in
                                    var dense = SplitDense(
                                        batch: batch, inputs: features, outputs: Self.units,
                                        inp: inp.baseAddress!, weight: weight.baseAddress!, bias: bias.baseAddress!,
                                        dout: dout.baseAddress!, out: out.baseAddress!,
                                        dweight: dweight.baseAddress!, dinp: dinp.baseAddress!)
                                    if backward {
                                        SplitDense.run(&dense, .weightGradient, pool: pool)
                                        SplitDense.run(&dense, .inputGradient, pool: pool)
                                    } else {
                                        SplitDense.run(&dense, .forward, pool: pool)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// BLAS with `blasThreads` threads, or split over the pool when 0.
    func denseForward(blasThreads: Int) {
        if blasThreads == 0 {
            splitDense(backward: false)
            ReLU.forward(&hidden, count: hidden.count)
            return
        }
        if blasThreads > 1 { BLASThreads.set(blasThreads) }
        Dense.forward(out: &hidden, inp: p2, weight: fcWeight, bias: fcBias, batch: batch, inputs: features, outputs: Self.units, layout: .inputMajor)
        ReLU.forward(&hidden, count: hidden.count)
        if blasThreads > 1 { BLASThreads.set(1) }
    }

    /// The dense layer's gradients from dDropped (BLAS with `blasThreads`
    /// threads, or split over the pool when 0); the bias gradient summed
    /// on the calling thread.
    func denseBackward(blasThreads: Int) {
        if blasThreads == 0 {
            splitDense(backward: true)
            dFcBias.withUnsafeMutableBufferPointer { dbias in
                dbias.update(repeating: 0)
                for row in 0..<batch {
                    for o in 0..<Self.units { dbias[o] += dDropped[row * Self.units + o] }
                }
            }
            return
        }
        if blasThreads > 1 { BLASThreads.set(blasThreads) }
        Dense.backward(
            dinp: &dP2, dweight: &dFcWeight, dbias: &dFcBias, dout: dDropped, inp: p2, weight: fcWeight,
            batch: batch, inputs: features, outputs: Self.units, layout: .inputMajor, accumulate: false)
        if blasThreads > 1 { BLASThreads.set(1) }
    }

    /// The backward pass from dHidden (the dropout's output gradient).
    func backwardPass(_ conv1: Conv2D<Float>, _ conv2: Conv2D<Float>, blasThreads: Int) {
        let b = batch
        dropout.backward(dinp: &dDropped, dout: dHidden, count: b * Self.units)
        ReLU.backward(&dDropped, out: hidden, count: hidden.count)
        denseBackward(blasThreads: blasThreads)
        MaxPool2D.backward(dinp: &dA2, dout: dP2, argmax: argmax2, positiveOnly: p2, batch: b, height: 14, width: 14, channels: Self.c2, pool: pool)
        conv2.backward(dinp: &dP1, dfilter: &dFilter2, dbias: &dBias2, dout: dA2, inp: p1, filter: filter2, batch: b, accumulate: false)
        MaxPool2D.backward(dinp: &dA1, dout: dP1, argmax: argmax1, positiveOnly: p1, batch: b, height: 28, width: 28, channels: Self.c1, pool: pool)
        conv1.backward(dinp: nil, dfilter: &dFilter1, dbias: &dBias1, dout: dA1, inp: x, filter: filter1, batch: b, accumulate: false)
    }

    func report() {
        let b = Double(batch), k2 = Double(Self.k * Self.k)
        let conv1Flops = 2 * b * 784 * k2 * 1 * Double(Self.c1)
        let conv2Flops = 2 * b * 196 * k2 * Double(Self.c1 * Self.c2)
        let denseFlops = 2 * b * Double(features * Self.units)
        let automatic1 = conv1(.automatic(for: Float.self, inChannels: 1))
        let automatic2 = conv2(.automatic(for: Float.self, inChannels: Self.c1))
        forwardPass(automatic1, automatic2, blasThreads: 1)
        backwardPass(automatic1, automatic2, blasThreads: 1)
        print(String(format: "zeros: input %.1f%%, conv2's input (pool1 output) %.1f%%", fraction(zerosOf: x) * 100, fraction(zerosOf: p1) * 100))
        print(String(
            format: "scratch of the automatic layers: conv1 %.2f MB, conv2 %.2f MB",
            Double(automatic1.scratchByteCount) / 1e6, Double(automatic2.scratchByteCount) / 1e6))
        print(String(format: "  %-44@ %11@ %11@ %15@", "layer, algorithm, pass", "median", "best", "(median)"))

        var bestConv1 = (forward: Double.infinity, backward: Double.infinity)
        var bestConv2 = bestConv1
        for algorithm in Conv2DAlgorithm.allCases {
            let layer = conv1(algorithm)
            let f = time { layer.forward(out: &a1, inp: x, filter: filter1, bias: bias1, batch: batch, relu: true) }
            let g = time {
                layer.backward(dinp: nil, dfilter: &dFilter1, dbias: &dBias1, dout: dA1, inp: x, filter: filter1, batch: batch, accumulate: false)
            }
            line("conv1 28×28×1→32 \(algorithm.rawValue) forward+ReLU", f, flops: conv1Flops)
            line("conv1 \(algorithm.rawValue) backward (no dinp)", g, flops: conv1Flops)
            bestConv1 = (min(bestConv1.forward, f.median), min(bestConv1.backward, g.median))
        }
        for algorithm in Conv2DAlgorithm.allCases {
            let layer = conv2(algorithm)
            let f = time { layer.forward(out: &a2, inp: p1, filter: filter2, bias: bias2, batch: batch, relu: true) }
            let g = time {
                layer.backward(dinp: &dP1, dfilter: &dFilter2, dbias: &dBias2, dout: dA2, inp: p1, filter: filter2, batch: batch, accumulate: false)
            }
            line("conv2 14×14×32→64 \(algorithm.rawValue) forward+ReLU", f, flops: conv2Flops)
            line("conv2 \(algorithm.rawValue) backward", g, flops: 2 * conv2Flops)
            bestConv2 = (min(bestConv2.forward, f.median), min(bestConv2.backward, g.median))
        }
        let pool1Forward = time {
            MaxPool2D.forward(out: &p1, argmax: &argmax1, inp: a1, batch: batch, height: 28, width: 28, channels: Self.c1, pool: pool)
        }
        let pool1Backward = time {
            MaxPool2D.backward(dinp: &dA1, dout: dP1, argmax: argmax1, positiveOnly: p1, batch: batch, height: 28, width: 28, channels: Self.c1, pool: pool)
        }
        let pool2Forward = time {
            MaxPool2D.forward(out: &p2, argmax: &argmax2, inp: a2, batch: batch, height: 14, width: 14, channels: Self.c2, pool: pool)
        }
        let pool2Backward = time {
            MaxPool2D.backward(dinp: &dA2, dout: dP2, argmax: argmax2, positiveOnly: p2, batch: batch, height: 14, width: 14, channels: Self.c2, pool: pool)
        }
        line("pool1 28×28×32 forward", pool1Forward)
        line("pool1 backward (+ReLU mask)", pool1Backward)
        line("pool2 14×14×64 forward", pool2Forward)
        line("pool2 backward (+ReLU mask)", pool2Backward)
        var denseTimes: [Int: (forward: Double, backward: Double)] = [:]
        for blas in Set([1, threads, 0]).sorted() {
            let how = blas == 0 ? "split over the pool" : "BLAS \(blas) thr"
            let f = time { denseForward(blasThreads: blas) }
            let g = time { denseBackward(blasThreads: blas) }
            line("dense 3136→1024 forward+ReLU, \(how)", f, flops: denseFlops)
            line("dense backward (with dinp), \(how)", g, flops: 2 * denseFlops)
            denseTimes[blas] = (f.median, g.median)
        }
        let count = batch * Self.units
        let dropForward = time { dropout.forward(out: &dropped, inp: hidden, count: count, using: &rng) }
        let dropBackward = time { dropout.backward(dinp: &dropped, dout: dHidden, count: count) }
        line("dropout 1024 forward", dropForward)
        line("dropout backward", dropBackward)

        let fastestDense = denseTimes.min { $0.value.forward + $0.value.backward < $1.value.forward + $1.value.backward }!
        let pools = pool1Forward.median + pool1Backward.median + pool2Forward.median + pool2Backward.median
        let convTrunk = bestConv1.forward + bestConv1.backward + bestConv2.forward + bestConv2.backward + pools
        let sum = convTrunk + fastestDense.value.forward + fastestDense.value.backward + dropForward.median + dropBackward.median
        print("trunk estimates (fwd+bwd per batch, per image, images/s):")
        print(String(format: "  sum of the fastest medians, conv layers and pools: %.3f ms, %.1f µs/image, %.0f images/s", convTrunk * 1e3, convTrunk / b * 1e6, b / convTrunk))
        let denseHow = fastestDense.key == 0 ? "split over the pool" : "BLAS \(fastestDense.key) thr"
        print(String(format: "  the same with dense (%@) and dropout: %.3f ms, %.1f µs/image, %.0f images/s", denseHow, sum * 1e3, sum / b * 1e6, b / sum))
        let chained = time {
            forwardPass(automatic1, automatic2, blasThreads: fastestDense.key)
            backwardPass(automatic1, automatic2, blasThreads: fastestDense.key)
        }
        line("measured chain, automatic algorithms (\(automatic1.algorithm.rawValue), \(automatic2.algorithm.rawValue))", chained)
        print(String(format: "  = %.1f µs/image, %.0f images/s (median); %.0f images/s (best); no loss, no optimiser", chained.median / b * 1e6, b / chained.median, b / chained.best))
    }
}

/// The dense layer's three products cut into fixed column (or row) blocks
/// that the worker pool's threads share, each block one single-threaded
/// BLAS call: a candidate for running BLAS beside the pool without its own
/// threads. The blocks do not depend on the thread count.
struct SplitDense {
    enum Product { case forward, weightGradient, inputGradient }
    static let pieces = 8
    var product = Product.forward
    var parts = 1
    let batch, inputs, outputs: Int
    let inp, weight, bias, dout: UnsafePointer<Float>
    let out, dweight, dinp: UnsafeMutablePointer<Float>

    func runPart(_ part: Int) {
        let lower = Self.pieces * part / parts, upper = Self.pieces * (part + 1) / parts
        for piece in lower..<upper {
            switch product {
            case .forward:
                // out[:, cols] = bias[cols] + inp · W[:, cols]
                let c0 = outputs * piece / Self.pieces, c1 = outputs * (piece + 1) / Self.pieces
                for row in 0..<batch { (out + row * outputs + c0).update(from: bias + c0, count: c1 - c0) }
                Float.gemm(
                    transposeA: false, transposeB: false, m: batch, n: c1 - c0, k: inputs, alpha: 1,
                    a: inp, lda: inputs, b: weight + c0, ldb: outputs, beta: 1, c: out + c0, ldc: outputs)
            case .weightGradient:
                // dW[rows, :] = inp[:, rows]ᵀ · dout
                let r0 = inputs * piece / Self.pieces, r1 = inputs * (piece + 1) / Self.pieces
                Float.gemm(
                    transposeA: true, transposeB: false, m: r1 - r0, n: outputs, k: batch, alpha: 1,
                    a: inp + r0, lda: inputs, b: dout, ldb: outputs, beta: 0, c: dweight + r0 * outputs,
                    ldc: outputs)
            case .inputGradient:
                // dinp[:, cols] = dout · W[cols, :]ᵀ
                let c0 = inputs * piece / Self.pieces, c1 = inputs * (piece + 1) / Self.pieces
                Float.gemm(
                    transposeA: false, transposeB: true, m: batch, n: c1 - c0, k: outputs, alpha: 1,
                    a: dout, lda: outputs, b: weight + c0 * outputs, ldb: outputs, beta: 0, c: dinp + c0,
                    ldc: inputs)
            }
        }
    }

    static func run(_ dense: inout SplitDense, _ product: Product, pool: WorkerPool) {
        dense.product = product
        dense.parts = pool.threads
        withUnsafeMutablePointer(to: &dense) { pointer in
            pool.run(parts: pointer.pointee.parts, context: UnsafeMutableRawPointer(pointer)) { context, part in
                context?.assumingMemoryBound(to: SplitDense.self).pointee.runPart(Int(part))
            }
        }
    }
}
