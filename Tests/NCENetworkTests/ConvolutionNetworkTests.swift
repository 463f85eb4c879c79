import NCENetwork
import SampledLosses
import XCTest

/// The CNN as a whole: its gradients (trunk, dense layer, dropout, output
/// layer and loss) against central finite differences in Double, Float
/// against Double, and the same bits for any thread count.
final class ConvolutionNetworkTests: XCTestCase {
    /// 7 × 6 images: odd sizes exercise SAME padding and pooling's edges.
    let configuration = ModelConfiguration(kind: .cnn, imageHeight: 7, imageWidth: 6, hiddenUnits: 5, classCount: 4)
    let batch = 2

    func makeNetwork<T: NetworkScalar>(_: T.Type, seed: UInt64, dropout: Double = 0, threads: Int = 1) -> (Network<T>, [T]) {
        var rng = SeededGenerator(seed: seed)
        let network = Network<T>(configuration: configuration, maxBatch: batch, threads: threads, dropout: dropout)
        network.initialize(using: &rng)
        let all: [Double] = randomValues(network.parameters.layout.totalCount, using: &rng)
        // Filters around the recipe's scale; other parameters of order one,
        // so every path carries gradient and few ReLUs sit near their kink.
        for entry in network.parameters.layout.entries {
            let scale = entry.name.hasSuffix(".filter") ? 0.3 : 0.8
            network.parameters.set(entry, to: all[entry.offset..<(entry.offset + entry.count)].map { T($0 * scale) })
        }
        // MNIST-like input: non-negative, many zeros.
        let x: [T] = (0..<(batch * configuration.inputSize)).map { _ in
            rng.nextUnitInterval() < 0.4 ? T(rng.nextUnitInterval()) : 0
        }
        return (network, x)
    }

    /// Softmax cross-entropy of the network on `x`, with `dropoutSeed`
    /// drawing the same mask on every call when set.
    func loss(
        _ network: Network<Double>, _ x: [Double], labels: [Int32], dropoutSeed: UInt64?,
        softmax: inout SoftmaxCrossEntropy<Double>
    ) throws -> Double {
        if let dropoutSeed {
            var generator = SeededGenerator(seed: dropoutSeed)
            network.trainingForward(x, batch: batch, using: &generator)
        } else {
            network.embedForward(x, batch: batch)
        }
        network.logitsForward(batch: batch)
        var losses = [Double](repeating: 0, count: batch)
        return try softmax.forward(losses: &losses, logits: network.logits, labels: labels, batch: batch)
    }

    func backward(
        _ network: Network<Double>, _ x: [Double], labels: [Int32], softmax: inout SoftmaxCrossEntropy<Double>
    ) throws {
        try softmax.backward(
            dLogits: network.logitsGradient, logits: network.logits, labels: labels, batch: batch,
            scale: 1 / Double(batch))
        network.logitsBackward(batch: batch)
        network.embedBackward(x, batch: batch)
    }

    /// Every parameter of the small tensors and 60 spread over each large
    /// one, against (L(p+h) − L(p−h)) / 2h.
    func checkGradients(dropoutSeed: UInt64?, seed: UInt64) throws {
        let (network, x) = makeNetwork(Double.self, seed: seed, dropout: dropoutSeed == nil ? 0 : 0.4)
        let labels: [Int32] = [3, 1]
        var softmax = try SoftmaxCrossEntropy<Double>(classCount: configuration.classCount, maxBatch: batch)
        network.zeroAccumulatedGradients()
        _ = try loss(network, x, labels: labels, dropoutSeed: dropoutSeed, softmax: &softmax)
        try backward(network, x, labels: labels, softmax: &softmax)
        let analytic = network.gradients.allValues()
        let h = 1e-6
        for entry in network.parameters.layout.entries {
            let stride = max(1, entry.count / 60)
            var worst = 0.0, scale = 0.0
            for i in Swift.stride(from: entry.offset, to: entry.offset + entry.count, by: stride) {
                let saved = network.parameters.base[i]
                network.parameters.base[i] = saved + h
                let plus = try loss(network, x, labels: labels, dropoutSeed: dropoutSeed, softmax: &softmax)
                network.parameters.base[i] = saved - h
                let minus = try loss(network, x, labels: labels, dropoutSeed: dropoutSeed, softmax: &softmax)
                network.parameters.base[i] = saved
                let numeric = (plus - minus) / (2 * h)
                worst = max(worst, abs(numeric - analytic[i]))
                scale = max(scale, abs(numeric))
            }
            XCTAssertGreaterThan(scale, 0, "\(entry.name) carries no gradient")
            XCTAssertLessThan(worst / scale, 1e-5, "\(entry.name): worst relative error \(worst / scale)")
        }
    }

    func testGradientsMatchFiniteDifferences() throws {
        try checkGradients(dropoutSeed: nil, seed: 21)
    }

    func testGradientsWithDropoutMatchFiniteDifferences() throws {
        try checkGradients(dropoutSeed: 99, seed: 22)
    }

    /// Float (the fast kernels) against Double (the reference paths).
    func testFloatAgreesWithDouble() throws {
        let (double, xd) = makeNetwork(Double.self, seed: 23)
        let (float, xf) = makeNetwork(Float.self, seed: 23)
        let labels: [Int32] = [0, 2]
        var doubleSoftmax = try SoftmaxCrossEntropy<Double>(classCount: configuration.classCount, maxBatch: batch)
        double.zeroAccumulatedGradients()
        _ = try loss(double, xd, labels: labels, dropoutSeed: nil, softmax: &doubleSoftmax)
        try backward(double, xd, labels: labels, softmax: &doubleSoftmax)
        float.zeroAccumulatedGradients()
        float.embedForward(xf, batch: batch)
        float.logitsForward(batch: batch)
        var softmax = try SoftmaxCrossEntropy<Float>(classCount: configuration.classCount, maxBatch: batch)
        var losses = [Float](repeating: 0, count: batch)
        try softmax.forward(losses: &losses, logits: float.logits, labels: labels, batch: batch)
        try softmax.backward(
            dLogits: float.logitsGradient, logits: float.logits, labels: labels, batch: batch, scale: 0.5)
        float.logitsBackward(batch: batch)
        float.embedBackward(xf, batch: batch)
        for entry in float.parameters.layout.entries {
            let f = float.gradients.values(entry).map(Double.init)
            let d = double.gradients.values(entry)
            XCTAssertLessThan(relativeError(f, d), 1e-4, entry.name)
        }
    }

    func testThreadCountDoesNotChangeBits() throws {
        var results: [[UInt32]] = []
        for threads in [1, 2, 3] {
            let (network, x) = makeNetwork(Float.self, seed: 24, dropout: 0.5, threads: threads)
            var generator = SeededGenerator(seed: 7)
            network.zeroAccumulatedGradients()
            network.trainingForward(x, batch: batch, using: &generator)
            network.logitsForward(batch: batch)
            var softmax = try SoftmaxCrossEntropy<Float>(classCount: configuration.classCount, maxBatch: batch)
            var losses = [Float](repeating: 0, count: batch)
            try softmax.forward(losses: &losses, logits: network.logits, labels: [1, 3], batch: batch)
            try softmax.backward(
                dLogits: network.logitsGradient, logits: network.logits, labels: [1, 3], batch: batch, scale: 0.5)
            network.logitsBackward(batch: batch)
            network.embedBackward(x, batch: batch)
            results.append(network.gradients.allValues().map(\.bitPattern))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(results[0], results[2])
    }

    func testLayoutUsesTensorFlowShapes() {
        let layout = ModelConfiguration(kind: .cnn).parameterLayout
        XCTAssertEqual(layout.entries.map(\.name), [
            "conv1.filter", "conv1.bias", "conv2.filter", "conv2.bias",
            "hidden.weight", "hidden.bias", "output.weight", "output.bias",
        ])
        XCTAssertEqual(layout.entries.map(\.shape), [[5, 5, 1, 32], [32], [5, 5, 32, 64], [64], [3136, 1024], [1024], [10, 1024], [10]])
    }

    func testInitializationFollowsTheTutorial() {
        var rng = SeededGenerator(seed: 3)
        let network = Network<Float>(configuration: ModelConfiguration(kind: .cnn), maxBatch: 1)
        network.initialize(using: &rng)
        for entry in network.parameters.layout.entries {
            let values = network.parameters.values(entry)
            switch entry.name {
            case "conv1.bias", "conv2.bias", "hidden.bias":
                XCTAssertTrue(values.allSatisfy { abs($0 - 0.1) < 1e-7 }, entry.name)
            case "output.bias":
                XCTAssertTrue(values.allSatisfy(\.isZero))
            default:
                let deviation = entry.name == "output.weight" ? 1 / 32.0 : 0.1
                XCTAssertLessThanOrEqual(Double(values.map(abs).max()!), 2 * deviation, entry.name)
                let sd = (values.map { Double($0 * $0) }.reduce(0, +) / Double(values.count)).squareRoot()
                XCTAssertEqual(sd, deviation * 0.8796, accuracy: deviation * 0.05, entry.name)
            }
        }
    }
}
