import CNumericKernels
@testable import NCENetwork
import SampledLosses
import XCTest

/// The optimizer updates flush denormals to zero, inputs and results, as
/// TensorFlow's CPU kernels do (its `ResourceApplyAdam` turns a first
/// moment of 1e-38 with a zero gradient into 0, not 9e-39), on every path:
/// the C kernel, the plain loop, and the fused sparse kernel. The calling
/// thread's mode is left as it was.
final class DenormalFlushTests: XCTestCase {
    /// β₁ · m for this m is 9e-39, below Float's smallest normal (1.2e-38).
    static let tinyMoment: Float = 1e-38

    func testTheModeIsScopedToTheCall() {
        XCTAssertEqual(mnist_nce_flushes_denormals(), 0, "IEEE arithmetic outside the kernels")
        let saved = mnist_nce_flush_denormals_begin()
        #if arch(x86_64) || arch(arm64)
        XCTAssertEqual(mnist_nce_flushes_denormals(), 1)
        #endif
        mnist_nce_flush_denormals_end(saved)
        XCTAssertEqual(mnist_nce_flushes_denormals(), 0)
    }

    /// Adam on [tiny first moment, zero gradient], [denormal gradient],
    /// [normal values]: the kernel and the plain loop agree bit for bit, the
    /// tiny results are +0, and the thread is back in IEEE mode.
    func testAdamFlushesOnTheKernelAndThePlainLoop() {
        let denormal = Float.leastNormalMagnitude / 4
        for reference in [false, true] {
            var p: [Float] = [0.5, 0.25, 0.75], g: [Float] = [0, denormal, 0.01]
            var m: [Float] = [Self.tinyMoment, 0, 0.02], v: [Float] = [1e-6, 0, 4e-4]
            runUpdateKernel(
                kind: .adam, parameters: &p, gradients: &g, first: &m, second: &v,
                adamStep: 1e-3, adamEpsilon: 1e-8, beta1: 0.9, beta2: 0.999, over: 0..<3, reference: reference)
            XCTAssertEqual(m[0].bitPattern, 0, "0.9 · 1e-38 flushes to +0 (reference \(reference))")
            XCTAssertEqual(p[0], 0.5, "a zero moment moves nothing")
            // A denormal gradient reads as zero: both moments stay +0, and
            // the update is 0 / ε.
            XCTAssertEqual(m[1].bitPattern, 0)
            XCTAssertEqual(v[1].bitPattern, 0)
            XCTAssertEqual(p[1], 0.25)
            // Normal values are untouched by the mode.
            let beta1: Float = 0.9
            XCTAssertEqual(m[2], beta1 * 0.02 + (1 - beta1) * 0.01)
            XCTAssertNotEqual(p[2], 0.75)
            XCTAssertEqual(mnist_nce_flushes_denormals(), 0)
        }
    }

    func testSGDFlushes() {
        var p: [Float] = [1], g: [Float] = [0], velocity: [Float] = [Self.tinyMoment], unused: [Float] = [0]
        runUpdateKernel(
            kind: .sgd, parameters: &p, gradients: &g, first: &velocity, second: &unused, rate: 0.1, momentum: 0.9,
            over: 0..<1)
        XCTAssertEqual(velocity[0].bitPattern, 0)
        XCTAssertEqual(mnist_nce_flushes_denormals(), 0)
    }

    /// The fused sparse kernel flushes the moments of inputs that are zero
    /// in the batch, as the gradient kernel followed by the Adam kernel does.
    func testFusedSparseAdamFlushesAsTheSeparateKernels() {
        let rows = 4, inputs = 40, outputs = 130
        var rng = SeededGenerator(seed: 5)
        var x = sparseFixture(rows: rows, columns: inputs, density: 0.3, using: &rng)
        // Input 0 is zero in every row: its gradient row is 0.
        for r in 0..<rows { x[r * inputs] = 0 }
        let batch = SparseInputBatch(maxBatch: rows, inputs: inputs)
        batch.load(x, batch: rows)
        let dout: [Float] = randomValues(rows * outputs, using: &rng)
        let weight: [Float] = randomValues(inputs * outputs, using: &rng)
        var first: [Float] = randomValues(inputs * outputs, using: &rng)
        let second: [Float] = (randomValues(inputs * outputs, using: &rng) as [Float]).map(abs)
        for o in 0..<outputs { first[o] = o % 2 == 0 ? Self.tinyMoment : -Self.tinyMoment }
        let c = AdamConstants(beta1: 0.9, beta2: 0.999, stepSize: 1e-3, epsilon: 1e-8)

        var w = weight, m = first, v = second, dbias = [Float](repeating: 0, count: outputs)
        SparseInputDense.backwardWeightsAdam(
            weight: &w, first: &m, second: &v, dbias: &dbias, dout: dout, batch: batch, outputs: outputs,
            update: c, pool: WorkerPool(threads: 2))
        XCTAssertEqual(mnist_nce_flushes_denormals(), 0)
        XCTAssertTrue(m[0..<outputs].allSatisfy { $0 == 0 }, "β₁ · ±1e-38 is flushed")

        var gradient = [Float](repeating: .nan, count: inputs * outputs)
        SparseInputDense.backwardWeights(
            dweight: &gradient, dbias: &dbias, dout: dout, batch: batch, outputs: outputs, accumulate: false)
        var w2 = weight, m2 = first, v2 = second
        runUpdateKernel(
            kind: .adam, parameters: &w2, gradients: &gradient, first: &m2, second: &v2,
            adamStep: c.stepSize, adamEpsilon: c.epsilon, beta1: c.beta1, beta2: c.beta2, over: 0..<w2.count)
        XCTAssertEqual(w.map(\.bitPattern), w2.map(\.bitPattern))
        XCTAssertEqual(m.map(\.bitPattern), m2.map(\.bitPattern))
        XCTAssertEqual(v.map(\.bitPattern), v2.map(\.bitPattern))
    }
}
