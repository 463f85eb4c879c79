import ArgumentParser
import Foundation
import MNISTData
import NCENetwork
import SampledLosses

/// Where a training step's time goes, and how close the sparse kernels come
/// to the processor's multiply-add peak.
struct StepProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Time each phase of the training step, and the sparse hidden-layer kernels against the FMA peak.",
        discussion: """
            Data: synthetic MNIST-shaped images (about 19% non-zero pixels, spread
            evenly), or the training images of --data-dir. The kernels are then
            timed alone on the first batch, median of --repetitions calls; GFLOP/s
            count 2 per multiply-add on the non-zero inputs (2 · non-zeros · outputs
            per product). The peak is cores × 2 FMA units × vector lanes × 2 × clock,
            with the lanes of the kernels' instruction set and the clock from a
            measured multiply-add loop (the /proc/cpuinfo clock is shown beside it).
            """)

    @Option var model = "mlp"
    @Option var loss = "nce"
    @Option var numSampled = 1
    @Option var batch = 128
    @Option var threads = 2
    @Option var steps = 400
    @Option var repetitions = 200
    @Option(help: "Train on this folder's MNIST training images instead of synthetic ones.")
    var dataDir: String?
    @Option(help: "Cap the sparse (and convolution) kernels' instruction set: avx512, avx2 or portable.")
    var isa: String?

    func run() throws {
        guard let kind = LossKind(rawValue: loss) else { throw ValidationError("unknown --loss \(loss)") }
        guard let modelKind = ModelKind(rawValue: model) else { throw ValidationError("unknown --model \(model)") }
        if let isa {
            guard let set = SparseInstructionSet.allCases.first(where: { $0.description == isa }),
                  let conv = ConvolutionInstructionSet.allCases.first(where: { $0.description == isa })
            else { throw ValidationError("unknown --isa \(isa); use avx512, avx2 or portable") }
            SparseInstructionSet.limit(to: set)
            ConvolutionInstructionSet.limit(to: conv)
        }
        let images: ImageSet
        if let dataDir {
            images = try MNISTDataSet.load(directory: dataDir).train
        } else {
            // Synthetic images: about 19% non-zero pixels, as in MNIST.
            var rng = SeededGenerator(seed: 3)
            let count = 60 * batch
            let pixels = (0..<(count * 784)).map { _ in rng.nextUnitInterval() < 0.19 ? UInt8(rng.nextIndex(below: 256)) : 0 }
            let labels = (0..<count).map { _ in UInt8(rng.nextIndex(below: 10)) }
            images = try ImageSet(rows: 28, columns: 28, pixels: pixels, labels: labels)
        }
        let empty = try ImageSet(rows: 28, columns: 28, pixels: [], labels: [])
        let data = try MNISTDataSet(train: images, validation: empty, test: empty)
        var configuration = TrainingConfiguration.recipe(for: modelKind)
        configuration.loss = kind
        configuration.numSampled = numSampled
        configuration.batchSize = batch
        configuration.threads = threads
        let trainer = try Trainer(configuration: configuration, data: data)
        _ = try trainer.profile(steps: 20)
        let seconds = try trainer.profile(steps: steps)
        let total = seconds.values.reduce(0, +)

        let hidden = configuration.model.hiddenUnits
        let nonZeros = Double(images.pixels.lazy.filter { $0 != 0 }.count) / Double(images.count) * Double(batch)
        let stepFlops = 2 * nonZeros * Double(hidden)
        let peak = Peak(threads: threads)
        print("OpenBLAS kernel \(BLASThreads.coreName), \(threads) threads, \(model), batch \(batch), \(loss), "
            + "\(dataDir == nil ? "synthetic" : "MNIST") images (\(String(format: "%.0f", nonZeros / Double(batch))) non-zero pixels each)")
        print("sparse kernels: \(SparseInstructionSet.current); \(peak.description)")
        for phase in Trainer.Phase.allCases {
            let s = seconds[phase, default: 0]
            var line = String(format: "%-30@ %8.3f ms/step  %5.1f%%", phase.rawValue, s / Double(steps) * 1000, s / total * 100)
            if modelKind == .mlp, phase == .hiddenForward || phase == .hiddenBackward, s > 0 {
                line += String(format: "  %6.1f GFLOP/s on the non-zeros", stepFlops * Double(steps) / s / 1e9)
            }
            print(line)
        }
        print(String(format: "%-30@ %8.3f ms/step  = %.0f images/s", "total", total / Double(steps) * 1000, Double(steps * batch) / total))
        if modelKind == .mlp {
            try KernelTimer(images: images, batch: batch, outputs: hidden, threads: threads, repetitions: repetitions)
                .report(peak: peak)
        }
    }
}

/// The FMA peak of `threads` cores for the sparse kernels' instruction set.
struct Peak {
    let cores: Int
    let lanes: Int
    /// Vector FMAs per second one thread sustains (measured).
    let fmaPerSecond: Double
    /// The clock /proc/cpuinfo reports, if any, in GHz.
    let cpuinfoGHz: Double?
    static let fmaUnits = 2.0

    init(threads: Int) {
        cores = min(threads, TrainingConfiguration.availableCores)
        lanes = SparseInstructionSet.vectorLanes
        fmaPerSecond = SparseInstructionSet.measuredFMAThroughput(seconds: 0.1)
        cpuinfoGHz = Self.cpuinfoClock()
    }

    /// The clock the measured loop implies, with 2 FMA units per core.
    var measuredGHz: Double { fmaPerSecond / Self.fmaUnits / 1e9 }
    var gflops: Double { Double(cores) * Self.fmaUnits * Double(lanes) * 2 * measuredGHz }

    var description: String {
        let cpuinfo = cpuinfoGHz.map { String(format: "%.2f GHz", $0) } ?? "none"
        return String(
            format: "FMA peak %.0f GFLOP/s = %d cores × 2 FMA units × %d lanes × 2 × %.2f GHz "
                + "(clock from a measured FMA loop; /proc/cpuinfo says %@)",
            gflops, cores, lanes, measuredGHz, cpuinfo)
    }

    static func cpuinfoClock() -> Double? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("cpu MHz") }),
              let colon = line.firstIndex(of: ":"),
              let mhz = Double(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        else { return nil }
        return mhz / 1000
    }
}

/// The sparse kernels alone on the first batch of the images, on buffers
/// aligned as the network's are.
final class KernelTimer {
    let batch: SparseInputBatch
    let outputs: Int, repetitions: Int
    let pool: WorkerPool
    let weight, bias, out, dout, dweight, dbias, first, second: UnsafeMutablePointer<Float>
    let buffers: [UnsafeMutablePointer<Float>]
    /// The dense batch the sparse one lists.
    let pixels: [Float]

    init(images: ImageSet, batch rows: Int, outputs: Int, threads: Int, repetitions: Int) throws {
        let inputs = images.pixelsPerImage
        let x = images.pixels.prefix(rows * inputs).map { Float($0) / 255 }
        batch = SparseInputBatch(maxBatch: rows, inputs: inputs)
        batch.load(x, batch: x.count / inputs)
        pixels = x
        self.outputs = outputs
        self.repetitions = repetitions
        pool = WorkerPool(threads: threads)
        var rng = SeededGenerator(seed: 5)
        func buffer(_ n: Int, _ scale: Float) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocateCacheAligned(capacity: n)
            for i in 0..<n { p[i] = Float(rng.nextUnitInterval() - 0.5) * scale }
            return p
        }
        weight = buffer(inputs * outputs, 0.1)
        bias = buffer(outputs, 0.1)
        out = buffer(rows * outputs, 0)
        dout = buffer(rows * SparseInputDense.paddedRowStride(outputs: outputs), 0.01)
        dweight = buffer(inputs * outputs, 0)
        dbias = buffer(outputs, 0)
        first = buffer(inputs * outputs, 0)
        second = buffer(inputs * outputs, 0)
        buffers = [weight, bias, out, dout, dweight, dbias, first, second]
    }

    deinit { buffers.forEach { $0.deallocate() } }

    func median(_ body: () -> Void) -> Double {
        for _ in 0..<5 { body() }
        let clock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<repetitions {
            let start = clock.now
            body()
            samples.append((clock.now - start).seconds)
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    func report(peak: Peak) {
        let flops = 2 * Double(batch.nonZeroCount) * Double(outputs)
        let constants = AdamConstants(beta1: 0.9, beta2: 0.999, stepSize: 1e-7, epsilon: 1e-8)
        // dout's rows padded, as the training step passes them.
        let stride = SparseInputDense.paddedRowStride(outputs: outputs)
        let forward = median {
            SparseInputDense.forward(
                out: out, weight: weight, bias: bias, batch: batch, outputs: outputs, relu: true, pool: pool)
        }
        let gradient = median {
            SparseInputDense.backwardWeights(
                dweight: dweight, dbias: dbias, dout: dout, doutStride: stride, batch: batch, outputs: outputs,
                accumulate: false, pool: pool)
        }
        let fused = median {
            SparseInputDense.backwardWeightsAdam(
                weight: weight, first: first, second: second, dbias: dbias, dout: dout, doutStride: stride,
                batch: batch, outputs: outputs, update: constants, pool: pool)
        }
        let rows = batch.batch
        let listing = median { pixels.withUnsafeBufferPointer { batch.load($0.baseAddress!, batch: rows) } }
        print(String(format: "kernels alone (median of %d, %d non-zeros in the batch):", repetitions, batch.nonZeroCount))
        print(String(format: "  %-28@ %8.3f ms  (one thread)", "listing the batch", listing * 1000))
        for (name, seconds) in [
            ("forward + ReLU", forward), ("weight + bias gradient", gradient), ("gradient fused with Adam", fused),
        ] {
            print(String(format: "  %-28@ %8.3f ms  %6.1f GFLOP/s  %5.1f%% of peak",
                         name, seconds * 1000, flops / seconds / 1e9, flops / seconds / 1e9 / peak.gflops * 100))
        }
    }
}
