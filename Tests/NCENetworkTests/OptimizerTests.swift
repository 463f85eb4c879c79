@testable import NCENetwork
import SampledLosses
import XCTest

final class OptimizerTests: XCTestCase {
    let layout = ParameterLayout([("a", [2]), ("b", [1])])

    func testAdamMatchesTheTextbookUpdate() {
        let parameters = ParameterArena<Double>(layout: layout)
        let gradients = ParameterArena<Double>(layout: layout)
        parameters.set(layout.entries[0], to: [1, -2])
        parameters.set(layout.entries[1], to: [0.5])
        let adam = Optimizer<Double>(kind: .adam, layout: layout)
        let steps: [[Double]] = [[0.3, -1, 2], [0.1, 0.5, -4], [-0.2, 0.2, 1e-3]]
        // Reference: m̂ / (√v̂ + ε) with bias-corrected moments.
        var p: [Double] = [1, -2, 0.5], m = [Double](repeating: 0, count: 3), v = m
        let rate = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8
        for (t, g) in steps.enumerated() {
            for i in 0..<3 {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                let mHat = m[i] / (1 - pow(b1, Double(t + 1)))
                let vHat = v[i] / (1 - pow(b2, Double(t + 1)))
                p[i] -= rate * mHat / (vHat.squareRoot() + eps)
            }
            gradients.set(layout.entries[0], to: [g[0], g[1]])
            gradients.set(layout.entries[1], to: [g[2]])
            adam.step(parameters: parameters, gradients: gradients, rate: rate)
        }
        XCTAssertLessThan(relativeError(parameters.allValues(), p), 1e-12)
        XCTAssertEqual(adam.stepCount, 3)
    }

    func testSGDWithMomentum() {
        let parameters = ParameterArena<Double>(layout: layout)
        let gradients = ParameterArena<Double>(layout: layout)
        let sgd = Optimizer<Double>(kind: .sgd, layout: layout)
        gradients.set(layout.entries[0], to: [1, 2])
        gradients.set(layout.entries[1], to: [-1])
        sgd.step(parameters: parameters, gradients: gradients, rate: 0.1)
        sgd.step(parameters: parameters, gradients: gradients, rate: 0.1)
        // velocity: g, then 0.9·g + g = 1.9·g; parameters: −0.1·g − 0.19·g = −0.29·g.
        XCTAssertLessThan(relativeError(parameters.allValues(), [-0.29, -0.58, 0.29]), 1e-12)
    }
}

final class OptimizerThreadingTests: XCTestCase {
    /// The update is elementwise, so splitting it over threads must give
    /// exactly the single-thread result.
    func testThreadedStepEqualsSingleThreadBitForBit() {
        let layout = ParameterLayout([("w", [300_001]), ("b", [7])])
        var rng = SeededGenerator(seed: 21)
        let start: [Float] = randomValues(layout.totalCount, using: &rng)
        let gradient: [Float] = randomValues(layout.totalCount, using: &rng)
        var results: [[UInt32]] = []
        // 300,008 values: ten parts of the split step, more than any of
        // these thread counts.
        XCTAssertEqual((layout.totalCount + Optimizer<Float>.valuesPerPart - 1) / Optimizer<Float>.valuesPerPart, 10)
        let threadCounts = [1, 2, 3, 8]
        for threads in threadCounts {
            let parameters = ParameterArena<Float>(layout: layout)
            let gradients = ParameterArena<Float>(layout: layout)
            start.withUnsafeBufferPointer { parameters.base.update(from: $0.baseAddress!, count: $0.count) }
            gradient.withUnsafeBufferPointer { gradients.base.update(from: $0.baseAddress!, count: $0.count) }
            let adam = Optimizer<Float>(kind: .adam, layout: layout, pool: WorkerPool(threads: threads))
            for _ in 0..<3 { adam.step(parameters: parameters, gradients: gradients, rate: 1e-3) }
            results.append(parameters.allValues().map(\.bitPattern))
        }
        for index in 1..<results.count {
            XCTAssertTrue(results[index] == results[0], "\(threadCounts[index]) threads against 1")
        }
        XCTAssertNotEqual(results[0], start.map(\.bitPattern), "the step must change the parameters")
    }
}

/// The vectorised C kernels against the plain Swift loops, bit for bit.
final class OptimizerKernelTests: XCTestCase {
    func check(_ kind: OptimizerKind) {
        let n = 10_007
        var rng = SeededGenerator(seed: 8)
        let values: [[Float]] = (0..<4).map { _ in randomValues(n, using: &rng) }
        var fast = values, slow = values
        // The second moment must be non-negative, as Adam keeps it.
        fast[3] = values[3].map(abs)
        slow[3] = fast[3]
        func run(_ buffers: inout [[Float]], reference: Bool) {
            let pointers = buffers.map { values -> UnsafeMutablePointer<Float> in
                let pointer = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
                pointer.initialize(from: values, count: values.count)
                return pointer
            }
            defer { pointers.forEach { $0.deallocate() } }
            let kernel = UpdateKernel(
                kind: kind, parameters: pointers[0], gradients: pointers[1], first: pointers[2],
                second: pointers[3], rate: 0.01, adamStep: 0.003, adamEpsilon: 1e-8,
                beta1: 0.9, beta2: 0.999, momentum: 0.9)
            if reference { kernel.runReference(0..<n) } else { kernel.run(0..<n) }
            buffers = pointers.map { Array(UnsafeBufferPointer(start: $0, count: n)) }
        }
        run(&fast, reference: false)
        run(&slow, reference: true)
        for (name, index) in [("parameters", 0), ("first moment", 2), ("second moment", 3)] {
            XCTAssertEqual(fast[index].map(\.bitPattern), slow[index].map(\.bitPattern), "\(kind): \(name)")
        }
        XCTAssertNotEqual(fast[0].map(\.bitPattern), values[0].map(\.bitPattern))
    }

    func testAdamKernelMatchesReferenceBitForBit() { check(.adam) }
    func testSGDKernelMatchesReferenceBitForBit() { check(.sgd) }
}
