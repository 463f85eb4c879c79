import NCENetwork
import SampledLosses
import XCTest

/// The whole network's gradients (hidden layer, ReLU, output layer and loss)
/// against central finite differences, in Double.
final class NetworkTests: XCTestCase {
    let configuration = ModelConfiguration(inputSize: 6, hiddenUnits: 5, classCount: 4)
    let batch = 3

    func makeNetwork(seed: UInt64) -> (Network<Double>, [Double], [Int32]) {
        var rng = SeededGenerator(seed: seed)
        let network = Network<Double>(configuration: configuration, maxBatch: batch)
        network.initialize(using: &rng, hiddenStandardDeviation: 0.8, hiddenBiasValue: 0.1)
        // Non-zero output parameters, so every path carries gradient.
        let all: [Double] = randomValues(network.parameters.layout.totalCount, using: &rng)
        for entry in network.parameters.layout.entries {
            network.parameters.set(entry, to: Array(all[entry.offset..<(entry.offset + entry.count)]))
        }
        let x: [Double] = randomValues(batch * configuration.inputSize, using: &rng)
        return (network, x, [2, 0, 3])
    }

    /// Checks every parameter's analytic gradient against (L(p+h) − L(p−h)) / 2h.
    func checkGradients(
        _ network: Network<Double>, file: StaticString = #filePath, line: UInt = #line,
        loss: () throws -> Double, backward: () throws -> Void
    ) rethrows {
        network.gradients.zero()
        _ = try loss()
        try backward()
        let analytic = network.gradients.allValues()
        let h = 1e-6
        var numeric = [Double](repeating: 0, count: analytic.count)
        for i in 0..<analytic.count {
            let saved = network.parameters.base[i]
            network.parameters.base[i] = saved + h
            let plus = try loss()
            network.parameters.base[i] = saved - h
            let minus = try loss()
            network.parameters.base[i] = saved
            numeric[i] = (plus - minus) / (2 * h)
        }
        for entry in network.parameters.layout.entries {
            let range = entry.offset..<(entry.offset + entry.count)
            let error = relativeError(Array(analytic[range]), Array(numeric[range]))
            XCTAssertLessThan(error, 1e-6, "\(entry.name): worst relative error \(error)", file: file, line: line)
        }
    }

    func testSoftmaxNetworkGradientsMatchFiniteDifferences() throws {
        let (network, x, labels) = makeNetwork(seed: 11)
        var softmax = try SoftmaxCrossEntropy<Double>(classCount: configuration.classCount, maxBatch: batch)
        var losses = [Double](repeating: 0, count: batch)
        func loss() throws -> Double {
            network.embedForward(x, batch: batch)
            network.logitsForward(batch: batch)
            return try softmax.forward(losses: &losses, logits: network.logits, labels: labels, batch: batch)
        }
        try checkGradients(network, loss: loss) {
            try softmax.backward(
                dLogits: network.logitsGradient, logits: network.logits, labels: labels,
                batch: batch, scale: 1 / Double(batch))
            network.logitsBackward(batch: batch)
            network.embedBackward(x, batch: batch)
        }
    }

    func testNCENetworkGradientsMatchFiniteDifferences() throws {
        let (network, x, labels) = makeNetwork(seed: 12)
        let c = configuration.classCount, d = configuration.hiddenUnits
        var nce = try NCELoss<Double>(classCount: c, dim: d, numSampled: 2, maxBatch: batch)
        let sample = try CandidateSample(classes: [3, 1], expectedCounts: [0.4, 0.7], numTries: 3)
        let trueCounts: [Float] = [0.5, 0.9, 0.4]
        var losses = [Double](repeating: 0, count: batch)
        func loss() throws -> Double {
            network.embedForward(x, batch: batch)
            return try nce.forward(
                losses: &losses, inputs: network.embed, weights: network.outputWeightPointer,
                biases: network.outputBiasPointer, labels: labels, trueExpectedCounts: trueCounts,
                sample: sample, batch: batch)
        }
        try checkGradients(network, loss: loss) {
            try nce.backward(
                dInputs: network.embedGradient, dWeights: network.gradients.pointer(network.outputWeight),
                dBiases: network.gradients.pointer(network.outputBias), inputs: network.embed,
                weights: network.outputWeightPointer, labels: labels, sample: sample, batch: batch,
                scale: 1 / Double(batch))
            network.embedBackward(x, batch: batch)
        }
    }

    func testPredictIsArgmaxOfLogits() {
        let (network, x, _) = makeNetwork(seed: 13)
        var predictions = [Int32](repeating: -1, count: batch)
        network.predict(x, batch: batch, into: &predictions)
        let c = configuration.classCount
        for row in 0..<batch {
            let logits = (0..<c).map { network.logits[row * c + $0] }
            let best = logits.indices.max { logits[$0] < logits[$1] }!
            XCTAssertEqual(Int(predictions[row]), best)
        }
    }

    func testInitializationFollowsTheRecipe() {
        var rng = SeededGenerator(seed: 5)
        let network = Network<Float>(configuration: ModelConfiguration(inputSize: 100, hiddenUnits: 400, classCount: 10), maxBatch: 1)
        network.initialize(using: &rng)
        let w1 = network.parameters.values(network.hiddenWeight)
        let w = network.parameters.values(network.outputWeight)
        // Truncated at two standard deviations.
        XCTAssertLessThanOrEqual(w1.map(abs).max()!, 0.2)
        XCTAssertLessThanOrEqual(w.map(abs).max()!, 2 / 20)
        // A normal truncated at ±2σ has standard deviation ≈ 0.8796σ.
        let sd = (w1.map { Double($0 * $0) }.reduce(0, +) / Double(w1.count)).squareRoot()
        XCTAssertEqual(sd, 0.1 * 0.8796, accuracy: 0.002)
        XCTAssertTrue(network.parameters.values(network.hiddenBias).allSatisfy { abs($0 - 0.1) < 1e-9 })
        XCTAssertTrue(network.parameters.values(network.outputBias).allSatisfy { $0.isZero })
    }
}

/// The sparse hidden-layer kernel and the BLAS one, through the whole network.
final class NetworkKernelTests: XCTestCase {
    func testSparseAndBLASHiddenLayersAgree() throws {
        let configuration = ModelConfiguration(inputSize: 784, hiddenUnits: 96, classCount: 10)
        let batch = 17
        var rng = SeededGenerator(seed: 31)
        // MNIST-like input: most pixels zero.
        let x: [Float] = (0..<(batch * 784)).map { _ in rng.nextUnitInterval() < 0.2 ? Float(rng.nextUnitInterval()) : 0 }
        let labels: [Int32] = (0..<batch).map { Int32($0 % 10) }
        var results: [(embed: [Float], gradients: [Float])] = []
        for (kernel, threads) in [(HiddenKernel.blas, 1), (.sparse, 1), (.sparse, 2)] {
            var initRNG = SeededGenerator(seed: 4)
            let network = Network<Float>(configuration: configuration, maxBatch: batch, hiddenKernel: kernel, threads: threads)
            network.initialize(using: &initRNG)
            var softmax = try SoftmaxCrossEntropy<Float>(classCount: 10, maxBatch: batch)
            var losses = [Float](repeating: 0, count: batch)
            network.gradients.zero()
            network.embedForward(x, batch: batch)
            let embed = Array(UnsafeBufferPointer(start: network.embed, count: batch * 96))
            network.logitsForward(batch: batch)
            try softmax.forward(losses: &losses, logits: network.logits, labels: labels, batch: batch)
            try softmax.backward(dLogits: network.logitsGradient, logits: network.logits, labels: labels, batch: batch, scale: 1 / Float(batch))
            network.logitsBackward(batch: batch)
            network.embedBackward(x, batch: batch)
            results.append((embed, network.gradients.allValues()))
        }
        XCTAssertLessThan(relativeError(results[1].embed, results[0].embed), 1e-5)
        let layout = configuration.parameterLayout
        for entry in layout.entries {
            let range = entry.offset..<(entry.offset + entry.count)
            let error = relativeError(Array(results[1].gradients[range]), Array(results[0].gradients[range]))
            XCTAssertLessThan(error, 1e-5, "\(entry.name)")
        }
        XCTAssertEqual(results[1].gradients.map(\.bitPattern), results[2].gradients.map(\.bitPattern), "thread count must not change bits")
    }

    /// A batch listed ahead (during the previous step's loss) gives the
    /// embedding that listing it in the forward pass gives, bit for bit,
    /// and listing it leaves the current batch's listing, which the
    /// backward pass reads, as it was.
    func testInputListedAheadGivesTheSameEmbedAndGradients() throws {
        let configuration = ModelConfiguration(inputSize: 784, hiddenUnits: 256, classCount: 10)
        let batch = 12
        var rng = SeededGenerator(seed: 8)
        func input() -> [Float] {
            (0..<(batch * 784)).map { _ in rng.nextUnitInterval() < 0.2 ? Float(rng.nextUnitInterval()) : 0 }
        }
        let first = input(), second = input()
        func network() -> Network<Float> {
            var initRNG = SeededGenerator(seed: 2)
            let network = Network<Float>(configuration: configuration, maxBatch: batch, hiddenKernel: .sparse, threads: 2)
            network.initialize(using: &initRNG)
            return network
        }
        func embed(_ network: Network<Float>) -> [UInt32] {
            Array(UnsafeBufferPointer(start: network.embed, count: batch * 256)).map(\.bitPattern)
        }
        func weightGradient(_ network: Network<Float>, _ x: [Float]) -> [UInt32] {
            network.gradients.zero()
            for i in 0..<(batch * 256) { network.embedGradient[i] = Float(i % 7) - 3 }
            network.denseBackward(x, batch: batch)
            return network.gradients.allValues().map(\.bitPattern)
        }
        let plain = network(), ahead = network()
        XCTAssertTrue(ahead.listsInputAhead)
        plain.denseForward(first, batch: batch)
        let plainFirstGradient = weightGradient(plain, first)
        plain.denseForward(second, batch: batch)
        ahead.denseForward(first, batch: batch)
        ahead.prepareDenseInput(second, batch: batch)
        XCTAssertEqual(weightGradient(ahead, first), plainFirstGradient, "the current listing must be untouched")
        ahead.usePreparedDenseInput()
        // The prepared listing is what the pass reads: its input argument
        // is not listed again.
        let zeros = [Float](repeating: 0, count: batch * 784)
        ahead.denseForward(zeros, batch: batch)
        XCTAssertEqual(embed(ahead), embed(plain))
        // Only once: the next pass lists its input.
        ahead.denseForward(zeros, batch: batch)
        XCTAssertNotEqual(embed(ahead), embed(plain))
    }

    /// The full output layer on the pool (row and column groups) gives the
    /// bits of the losses' reference loops (`DenseLogits`), forward and
    /// backward, for any thread count.
    func testOutputLayerMatchesTheReferenceLoopsBitForBit() throws {
        let (hidden, classes, batch) = (200, 10, 37)
        let configuration = ModelConfiguration(inputSize: 784, hiddenUnits: hidden, classCount: classes)
        var rng = SeededGenerator(seed: 12)
        // ReLU-like embeddings (a third zero) and gradients with exact zeros.
        let embed: [Float] = (0..<(batch * hidden)).map { _ in max(0, Float(rng.nextUnitInterval()) - 0.33) }
        let dLogits: [Float] = (0..<(batch * classes)).map { $0 % 9 == 4 ? 0 : Float(rng.nextUnitInterval() - 0.5) }
        let weight: [Float] = (0..<(classes * hidden)).map { _ in Float(rng.nextUnitInterval() - 0.5) }
        let bias: [Float] = (0..<classes).map { _ in Float(rng.nextUnitInterval() - 0.5) }

        var logits = [Float](repeating: 0, count: batch * classes)
        DenseLogits.forward(
            logits: &logits, inputs: embed, weights: weight, biases: bias, batch: batch, dim: hidden, classCount: classes)
        var dEmbed = [Float](repeating: 0, count: batch * hidden)
        var dWeight = [Float](repeating: 0, count: classes * hidden)
        var dBias = [Float](repeating: 0, count: classes)
        DenseLogits.backward(
            dInputs: &dEmbed, dWeights: &dWeight, dBiases: &dBias, dLogits: dLogits, inputs: embed, weights: weight,
            batch: batch, dim: hidden, classCount: classes)

        for threads in [1, 2, 3] {
            let network = Network<Float>(configuration: configuration, maxBatch: batch, hiddenKernel: .sparse, threads: threads)
            network.parameters.set(network.outputWeight, to: weight)
            network.parameters.set(network.outputBias, to: bias)
            network.embed.update(from: embed, count: embed.count)
            network.logitsGradient.update(from: dLogits, count: dLogits.count)
            network.gradients.zero()
            network.logitsForward(batch: batch)
            network.logitsBackward(batch: batch)
            let found = Array(UnsafeBufferPointer(start: network.logits, count: batch * classes))
            XCTAssertEqual(found.map(\.bitPattern), logits.map(\.bitPattern), "logits, \(threads) threads")
            let foundEmbed = Array(UnsafeBufferPointer(start: network.embedGradient, count: batch * hidden))
            XCTAssertEqual(foundEmbed.map(\.bitPattern), dEmbed.map(\.bitPattern), "embed gradient, \(threads) threads")
            XCTAssertEqual(
                network.gradients.values(network.outputWeight).map(\.bitPattern), dWeight.map(\.bitPattern),
                "W gradient, \(threads) threads")
            XCTAssertEqual(
                network.gradients.values(network.outputBias).map(\.bitPattern), dBias.map(\.bitPattern),
                "b gradient, \(threads) threads")
        }
    }
}
