import SampledLosses

/// The output layer's loss for training: full softmax over `embed · Wᵀ + b`,
/// or NCE / sampled softmax over the true and sampled columns only.
///
/// Holds the sampler, the current sample and every scratch buffer, so a step
/// allocates nothing.
final class LossHead {
    let kind: LossKind
    // Exactly one of these is set, the one `kind` names. Separate stored
    // optionals (rather than an enum with payloads) let each mutate in place
    // without a copy-on-write of its scratch.
    var softmax: SoftmaxCrossEntropy<Float>?
    var nce: NCELoss<Float>?
    var sampledSoftmax: SampledSoftmaxLoss<Float>?
    let sampler: any CandidateSampler
    let uniqueSamples: Bool
    var sample: CandidateSample
    /// (maxBatch): per-example losses of the last step.
    let losses: UnsafeMutablePointer<Float>
    /// (maxBatch): expected counts of the batch's labels.
    let trueExpectedCounts: UnsafeMutablePointer<Float>

    /// - Parameter trainingLabelCounts: class frequencies for the unigram
    ///   sampler.
    init(configuration: TrainingConfiguration, maxBatch: Int, trainingLabelCounts: [Int]) throws(SampledLossError) {
        let classes = configuration.model.classCount
        let hidden = configuration.model.hiddenUnits
        switch configuration.sampler {
        case .logUniform: sampler = try LogUniformSampler(classCount: classes)
        case .uniform: sampler = try UniformSampler(classCount: classes)
        case .unigram:
            var counts = trainingLabelCounts.map(Double.init)
            counts += Array(repeating: 0, count: max(0, classes - counts.count))
            sampler = try UnigramSampler(counts: Array(counts.prefix(classes)), distortion: 0.75)
        }
        uniqueSamples = configuration.uniqueSamples
        let numSampled = configuration.loss == .softmax ? 1 : configuration.numSampled
        sample = try CandidateSample(numSampled: numSampled, classCount: classes)
        kind = configuration.loss
        switch configuration.loss {
        case .softmax:
            softmax = try SoftmaxCrossEntropy(classCount: classes, maxBatch: maxBatch)
        case .nce:
            nce = try NCELoss(
                classCount: classes, dim: hidden, numSampled: numSampled, maxBatch: maxBatch,
                removeAccidentalHits: configuration.removesAccidentalHits)
        case .sampledSoftmax:
            sampledSoftmax = try SampledSoftmaxLoss(
                classCount: classes, dim: hidden, numSampled: numSampled, maxBatch: maxBatch,
                removeAccidentalHits: configuration.removesAccidentalHits)
        }
        losses = .allocate(capacity: maxBatch)
        losses.initialize(repeating: 0, count: maxBatch)
        trueExpectedCounts = .allocate(capacity: maxBatch)
        trueExpectedCounts.initialize(repeating: 0, count: maxBatch)
    }

    deinit {
        losses.deallocate()
        trueExpectedCounts.deallocate()
    }

    /// Computes the batch's mean loss from `network.embed`, writes its
    /// gradient into `network.embedGradient` and accumulates the output
    /// layer's parameter gradients.
    ///
    /// labels is (B). For the sampled losses, one sample of negatives is
    /// drawn from `rng` for the whole batch.
    func forwardBackward(
        network: Network<Float>, labels: UnsafePointer<Int32>, batch: Int,
        using rng: inout some RandomNumberGenerator
    ) throws(SampledLossError) -> Float {
        switch kind {
        case .softmax:
            network.logitsForward(batch: batch)
            let loss = try softmax?.forward(losses: losses, logits: network.logits, labels: labels, batch: batch)
            try softmax?.backward(
                dLogits: network.logitsGradient, logits: network.logits, labels: labels,
                batch: batch, scale: 1 / Float(batch))
            network.logitsBackward(batch: batch)
            return loss ?? .nan
        case .nce:
            return try sampledStep(&nce, network: network, labels: labels, batch: batch, using: &rng)
        case .sampledSoftmax:
            return try sampledStep(&sampledSoftmax, network: network, labels: labels, batch: batch, using: &rng)
        }
    }

    /// One NCE or sampled-softmax step: draw the batch's sample, then
    /// forward and backward over the true and sampled columns.
    private func sampledStep<Loss: CandidateLoss>(
        _ loss: inout Loss?, network: Network<Float>, labels: UnsafePointer<Int32>, batch: Int,
        using rng: inout some RandomNumberGenerator
    ) throws(SampledLossError) -> Float where Loss.Scalar == Float {
        try drawSample(labels: labels, batch: batch, using: &rng)
        let w = network.outputWeightPointer, b = network.outputBiasPointer
        let value = try loss?.forward(
            losses: losses, inputs: network.embed, weights: w, biases: b, labels: labels,
            trueExpectedCounts: trueExpectedCounts, sample: sample, batch: batch)
        try loss?.backward(
            dInputs: network.embedGradient, dWeights: network.gradients.pointer(network.outputWeight),
            dBiases: network.gradients.pointer(network.outputBias), inputs: network.embed,
            weights: w, labels: labels, sample: sample, batch: batch, scale: 1 / Float(batch))
        return value ?? .nan
    }

    private func drawSample(
        labels: UnsafePointer<Int32>, batch: Int, using rng: inout some RandomNumberGenerator
    ) throws(SampledLossError) {
        try sampler.sample(into: &sample, unique: uniqueSamples, using: &rng)
        sampler.expectedCounts(
            of: labels, count: batch, numSampled: sample.numSampled, numTries: sample.numTries,
            into: trueExpectedCounts)
    }
}
