import RealModule
import XCTest
@testable import SampledLosses

/// Which sampled loss a problem uses.
enum SampledLossKind: String {
    case nce
    case sampledSoftmax = "sampled_softmax"
}

/// One sampled-loss problem in plain arrays (parameters in Double, converted
/// to the precision under test), run through the library's operations.
struct SampledLossProblem {
    var kind: SampledLossKind
    var classCount: Int
    var dim: Int
    var batch: Int
    var numTrue: Int
    var removeAccidentalHits: Bool
    var inputs: [Double]
    var weights: [Double]
    var biases: [Double]
    var labels: [Int32]
    var trueExpectedCounts: [Float]
    var sample: CandidateSample

    struct Result<T> {
        var losses: [T]
        var dInputs: [T]
        var dWeights: [T]
        var dBiases: [T]
    }

    /// Per-example losses only.
    func losses<T: Real & BinaryFloatingPoint>(
        _: T.Type, inputs: [Double]? = nil, weights: [Double]? = nil, biases: [Double]? = nil
    ) throws -> [T] {
        try run(T.self, inputs: inputs, weights: weights, biases: biases, backward: false).losses
    }

    /// Losses and gradients of their sum times `scale`, accumulated onto the
    /// given starting weight and bias gradients.
    func run<T: Real & BinaryFloatingPoint>(
        _: T.Type, inputs: [Double]? = nil, weights: [Double]? = nil, biases: [Double]? = nil,
        backward: Bool = true, scale: Double = 1,
        initialDWeights: [T]? = nil, initialDBiases: [T]? = nil
    ) throws -> Result<T> {
        let x = (inputs ?? self.inputs).map { T($0) }
        let w = (weights ?? self.weights).map { T($0) }
        let b = (biases ?? self.biases).map { T($0) }
        var result = Result<T>(
            losses: Array(repeating: 0, count: batch),
            dInputs: Array(repeating: .nan, count: batch * dim),
            dWeights: initialDWeights ?? Array(repeating: 0, count: classCount * dim),
            dBiases: initialDBiases ?? Array(repeating: 0, count: classCount))
        switch kind {
        case .nce:
            var loss = try NCELoss<T>(
                classCount: classCount, dim: dim, numTrue: numTrue, numSampled: sample.numSampled,
                maxBatch: batch, removeAccidentalHits: removeAccidentalHits)
            try apply(&loss, to: &result, x: x, w: w, b: b, backward: backward, scale: T(scale))
        case .sampledSoftmax:
            var loss = try SampledSoftmaxLoss<T>(
                classCount: classCount, dim: dim, numTrue: numTrue, numSampled: sample.numSampled,
                maxBatch: batch, removeAccidentalHits: removeAccidentalHits)
            try apply(&loss, to: &result, x: x, w: w, b: b, backward: backward, scale: T(scale))
        }
        return result
    }

    /// Forward (and, if asked, backward) of either sampled loss on this
    /// problem's labels and sample.
    private func apply<Loss: CandidateLoss>(
        _ loss: inout Loss, to result: inout Result<Loss.Scalar>,
        x: [Loss.Scalar], w: [Loss.Scalar], b: [Loss.Scalar], backward: Bool, scale: Loss.Scalar
    ) throws {
        try loss.forward(
            losses: &result.losses, inputs: x, weights: w, biases: b, labels: labels,
            trueExpectedCounts: trueExpectedCounts, sample: sample, batch: batch)
        if backward {
            try loss.backward(
                dInputs: &result.dInputs, dWeights: &result.dWeights, dBiases: &result.dBiases,
                inputs: x, weights: w, labels: labels, sample: sample, batch: batch, scale: scale)
        }
    }

    /// A random problem: normal parameters, uniform labels, a unique
    /// log-uniform sample and TensorFlow's expected counts.
    static func random(
        kind: SampledLossKind, classCount: Int, dim: Int, batch: Int, numTrue: Int, numSampled: Int,
        removeAccidentalHits: Bool, seed: UInt64
    ) throws -> SampledLossProblem {
        var generator = SeededGenerator(seed: seed)
        let sampler = try LogUniformSampler(classCount: classCount)
        var sample = try CandidateSample(numSampled: numSampled, classCount: classCount)
        try sampler.sample(into: &sample, unique: true, using: &generator)
        let labels = (0..<(batch * numTrue)).map { _ in Int32(generator.nextIndex(below: classCount)) }
        var counts = [Float](repeating: 0, count: labels.count)
        sampler.expectedCounts(
            of: labels, count: labels.count, numSampled: numSampled, numTries: sample.numTries, into: &counts)
        return SampledLossProblem(
            kind: kind, classCount: classCount, dim: dim, batch: batch, numTrue: numTrue,
            removeAccidentalHits: removeAccidentalHits,
            inputs: normals(batch * dim, using: &generator),
            weights: normals(classCount * dim, scale: 0.5, using: &generator),
            biases: normals(classCount, scale: 0.3, using: &generator),
            labels: labels, trueExpectedCounts: counts, sample: sample)
    }

    /// Sets row 0's first label to the first sampled class, making an
    /// accidental hit.
    mutating func forceAccidentalHit(sampler: some CandidateSampler) {
        labels[0] = sample.classes[0]
        trueExpectedCounts[0] = sampler.expectedCount(
            of: Int(labels[0]), numSampled: sample.numSampled, numTries: sample.numTries)
    }

    /// Checks dX, dW and db against central finite differences in Double.
    func assertGradientsMatchFiniteDifferences(
        tolerance: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let analytic = try run(Double.self)
        func total(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
            (try? losses(Double.self, inputs: x, weights: w, biases: b).reduce(0, +)) ?? .nan
        }
        var x = inputs, w = weights, b = biases
        let numericX = numericalGradient(of: &x) { total($0, w, b) }
        let numericW = numericalGradient(of: &w) { total(x, $0, b) }
        let numericB = numericalGradient(of: &b) { total(x, w, $0) }
        assertClose(analytic.dInputs, numericX, tolerance: tolerance, "\(kind) dX", file: file, line: line)
        assertClose(analytic.dWeights, numericW, tolerance: tolerance, "\(kind) dW", file: file, line: line)
        assertClose(analytic.dBiases, numericB, tolerance: tolerance, "\(kind) db", file: file, line: line)
    }
}
