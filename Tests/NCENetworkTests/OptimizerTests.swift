import NCENetwork
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
