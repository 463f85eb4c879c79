import ArgumentParser
import Foundation
import NCENetwork
import SampledLosses

/// Which BLAS kernel runs, whether it computes the training products
/// correctly, and how fast.
struct BLASCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blas",
        abstract: "Report the OpenBLAS kernel, check it against the reference loops, and time the hidden layer's products.")

    @Option var threads = 2
    @Option var batch = 128
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        BLASThreads.set(threads)
        var rng = SeededGenerator(seed: 1)
        let inputs = 784, outputs = 1024
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float(rng.nextUnitInterval() * 2 - 1) } }
        let x = random(batch * inputs), w = random(outputs * inputs), b = random(outputs), dout = random(batch * outputs)
        var fast = [Float](repeating: 0, count: batch * outputs), slow = fast
        Dense.forward(out: &fast, inp: x, weight: w, bias: b, batch: batch, inputs: inputs, outputs: outputs)
        DenseReference.forward(out: &slow, inp: x, weight: w, bias: b, batch: batch, inputs: inputs, outputs: outputs)
        let forwardError = Self.relativeError(fast, slow)
        var dwFast = [Float](repeating: 0, count: outputs * inputs), dwSlow = dwFast
        var dbFast = [Float](repeating: 0, count: outputs), dbSlow = dbFast
        Dense.backward(dinp: nil, dweight: &dwFast, dbias: &dbFast, dout: dout, inp: x, weight: w, batch: batch, inputs: inputs, outputs: outputs)
        DenseReference.backward(dinp: nil, dweight: &dwSlow, dbias: &dbSlow, dout: dout, inp: x, weight: w, batch: batch, inputs: inputs, outputs: outputs)
        let backwardError = Self.relativeError(dwFast, dwSlow)
        let ok = forwardError < 1e-5 && backwardError < 1e-5

        // Timing: forward and weight-gradient products, as in one training step.
        let clock = ContinuousClock()
        let repetitions = 200
        let start = clock.now
        for _ in 0..<repetitions {
            Dense.forward(out: &fast, inp: x, weight: w, bias: b, batch: batch, inputs: inputs, outputs: outputs)
            Dense.backward(dinp: nil, dweight: &dwFast, dbias: nil, dout: dout, inp: x, weight: w, batch: batch, inputs: inputs, outputs: outputs)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let gflops = Double(repetitions) * 4 * Double(batch * inputs * outputs) / seconds / 1e9
        if json {
            print(#"{"blas_core":"\#(BLASThreads.coreName)","threads":\#(threads),"forward_rel_error":\#(forwardError),"backward_rel_error":\#(backwardError),"agrees_with_reference":\#(ok),"gflops":\#((gflops * 10).rounded() / 10)}"#)
        } else {
            print("OpenBLAS kernel \(BLASThreads.coreName), \(threads) threads")
            print(String(format: "hidden-layer products vs reference loops: forward %.2e, weight gradient %.2e (relative): %@",
                         forwardError, backwardError, ok ? "agree" : "DISAGREE"))
            print(String(format: "speed: %.1f GFLOP/s over forward + weight-gradient products at batch %d", gflops, batch))
        }
        if !ok { throw ExitCode(1) }
    }

    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        var worst = 0.0, scale = 0.0
        for (x, y) in zip(a, b) {
            worst = max(worst, Double(abs(x - y)))
            scale = max(scale, Double(abs(y)))
        }
        return scale > 0 ? worst / scale : worst
    }
}
