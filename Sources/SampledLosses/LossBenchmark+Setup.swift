extension LossBenchmark {
    /// The buffers and operations of one class count, allocated before timing.
    struct Setup {
        let batch: Int
        let dim: Int
        let classCount: Int
        var inputs: [Float]
        var weights: [Float]
        var biases: [Float]
        var labels: [Int32]
        var trueCounts: [Float]
        var losses: [Float]
        var dInputs: [Float]
        var dWeights: [Float]
        var dBiases: [Float]
        var logits: [Float]
        var dLogits: [Float]
        let sampler: LogUniformSampler
        var sample: CandidateSample
        var nce: NCELoss<Float>
        var softmax: SoftmaxCrossEntropy<Float>

        init(
            classCount: Int, batch: Int, dim: Int, numSampled: Int,
            generator: inout SeededGenerator
        ) throws(SampledLossError) {
            guard batch >= 1 else { throw .countTooSmall(what: "batch", minimum: 1, found: batch) }
            guard dim >= 1 else { throw .countTooSmall(what: "dim", minimum: 1, found: dim) }
            self.batch = batch
            self.dim = dim
            self.classCount = classCount
            sampler = try LogUniformSampler(classCount: classCount)
            sample = try CandidateSample(numSampled: numSampled, classCount: classCount)
            nce = try NCELoss(classCount: classCount, dim: dim, numSampled: numSampled, maxBatch: batch)
            softmax = try SoftmaxCrossEntropy(classCount: classCount, maxBatch: batch)
            inputs = (0..<(batch * dim)).map { _ in Float(generator.nextStandardNormal()) }
            let scale = 1 / Float(dim).squareRoot()
            weights = (0..<(classCount * dim)).map { _ in Float(generator.nextTruncatedNormal()) * scale }
            biases = Array(repeating: 0, count: classCount)
            labels = (0..<batch).map { _ in Int32(generator.nextIndex(below: classCount)) }
            trueCounts = Array(repeating: 0, count: batch)
            losses = Array(repeating: 0, count: batch)
            dInputs = Array(repeating: 0, count: batch * dim)
            dWeights = Array(repeating: 0, count: classCount * dim)
            dBiases = Array(repeating: 0, count: classCount)
            logits = Array(repeating: 0, count: batch * classCount)
            dLogits = logits
        }

        /// Sample, expected counts of the labels, NCE forward and backward.
        mutating func nceStep(using generator: inout SeededGenerator) throws(SampledLossError) {
            try sampler.sample(into: &sample, unique: true, using: &generator)
            let (sample, batch) = (sample, batch)
            labels.withUnsafeBufferPointer { labels in
                trueCounts.withUnsafeMutableBufferPointer { counts in
                    sampler.expectedCounts(
                        of: labels.baseAddress!, count: batch, numSampled: sample.numSampled,
                        numTries: sample.numTries, into: counts.baseAddress!)
                }
            }
            try nce.forward(
                losses: &losses, inputs: inputs, weights: weights, biases: biases, labels: labels,
                trueExpectedCounts: trueCounts, sample: sample, batch: batch)
            try nce.backward(
                dInputs: &dInputs, dWeights: &dWeights, dBiases: &dBiases, inputs: inputs,
                weights: weights, labels: labels, sample: sample, batch: batch,
                scale: 1 / Float(batch))
        }

        /// Dense logits, softmax cross-entropy forward and backward, and the
        /// products back to inputs, weights and biases.
        mutating func softmaxStep(denseMatmul: Matmul?) throws(SampledLossError) {
            let (batch, dim, classCount) = (batch, dim, classCount)
            if let matmul = denseMatmul {
                matmul(false, true, batch, classCount, dim, 1, inputs, dim, weights, dim, 0, &logits, classCount)
                for b in 0..<batch {
                    for c in 0..<classCount { logits[b * classCount + c] += biases[c] }
                }
            } else {
                DenseLogits.forward(
                    logits: &logits, inputs: inputs, weights: weights, biases: biases,
                    batch: batch, dim: dim, classCount: classCount)
            }
            try softmax.forward(losses: &losses, logits: logits, labels: labels, batch: batch)
            try softmax.backward(
                dLogits: &dLogits, logits: logits, labels: labels, batch: batch,
                scale: 1 / Float(batch))
            if let matmul = denseMatmul {
                matmul(false, false, batch, dim, classCount, 1, dLogits, classCount, weights, dim, 0, &dInputs, dim)
                matmul(true, false, classCount, dim, batch, 1, dLogits, classCount, inputs, dim, 1, &dWeights, dim)
                for b in 0..<batch {
                    for c in 0..<classCount { dBiases[c] += dLogits[b * classCount + c] }
                }
            } else {
                DenseLogits.backward(
                    dInputs: &dInputs, dWeights: &dWeights, dBiases: &dBiases, dLogits: dLogits,
                    inputs: inputs, weights: weights, batch: batch, dim: dim, classCount: classCount)
            }
        }
    }
}
