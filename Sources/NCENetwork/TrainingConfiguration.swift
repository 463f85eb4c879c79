import CNumericKernels

/// Which loss trains the output layer.
public enum LossKind: String, Sendable, CaseIterable, Codable {
    /// Noise-contrastive estimation, as `tf.nn.nce_loss`.
    case nce
    /// Full softmax cross-entropy over all classes.
    case softmax
    /// Sampled softmax, as `tf.nn.sampled_softmax_loss`.
    case sampledSoftmax = "sampled-softmax"
}

/// Which candidate sampler draws the negatives for the sampled losses.
public enum SamplerKind: String, Sendable, CaseIterable, Codable {
    /// P(k) = ln((k+2)/(k+1)) / ln(C+1), TensorFlow's default for NCE.
    case logUniform = "log-uniform"
    /// P(k) = 1/C.
    case uniform
    /// P(k) ∝ (count of class k in the training labels)^0.75.
    case unigram
}

/// Which kernel computes the hidden layer's two large products.
public enum HiddenKernel: String, Sendable, CaseIterable, Codable {
    /// Skips zero pixels (`SparseInputDense`); about five times less work
    /// on MNIST. Float only; Double networks use BLAS.
    case sparse
    /// Dense products through BLAS.
    case blas
}

/// Everything that decides a training run's result.
///
/// Two runs with equal configurations (and the same BLAS thread count) give
/// bit-identical parameters.
public struct TrainingConfiguration: Sendable, Equatable {
    public var model: ModelConfiguration
    public var loss: LossKind
    /// Negatives per step, shared by the batch (sampled losses only).
    public var numSampled: Int
    public var sampler: SamplerKind
    /// Draw distinct negatives (TensorFlow's `unique=True`).
    public var uniqueSamples: Bool
    /// Mask sampled classes that equal a row's true class. nil keeps
    /// TensorFlow's default: off for NCE, on for sampled softmax.
    public var removeAccidentalHits: Bool?
    public var epochs: Int
    /// Steps to train; when set, it replaces `epochs` (the run then takes
    /// as many epochs as the steps need, the last one partial).
    public var steps: Int?
    public var batchSize: Int
    public var learningRate: Double
    public var schedule: LearningRateSchedule
    public var optimizer: OptimizerKind
    public var seed: UInt64
    /// Threads for the step's parallel kernels (and BLAS with the dense
    /// hidden kernel). The result does not depend on it.
    public var threads: Int
    /// Training images held out, from the start of the training file, for
    /// validation.
    public var validationSize: Int
    /// How the hidden layer's products are computed; the kernels round
    /// differently, so it is part of what makes a run repeatable.
    public var hiddenKernel: HiddenKernel
    /// Fraction of the embedding's units dropped in each training step
    /// (kept ones are scaled by 1/(1 − rate), as TensorFlow's dropout).
    public var dropout: Double

    /// The defaults are the recipe the README's accuracy table was made with:
    /// Adam 1e-3 with a cosine decay over 20 epochs of batch 32. Small batches
    /// matter for NCE: each step draws one sample of negatives, so more steps
    /// per epoch give the output layer more negative evidence. `threads`
    /// defaults to `availableCores`.
    public init(
        model: ModelConfiguration = ModelConfiguration(),
        loss: LossKind = .nce, numSampled: Int = 1, sampler: SamplerKind = .logUniform,
        uniqueSamples: Bool = true, removeAccidentalHits: Bool? = nil,
        epochs: Int = 20, batchSize: Int = 32, learningRate: Double = 1e-3,
        schedule: LearningRateSchedule = .cosine, optimizer: OptimizerKind = .adam,
        seed: UInt64 = 1, threads: Int = TrainingConfiguration.availableCores, validationSize: Int = 5_000,
        hiddenKernel: HiddenKernel = .sparse, steps: Int? = nil, dropout: Double = 0
    ) {
        self.model = model
        self.loss = loss
        self.numSampled = numSampled
        self.sampler = sampler
        self.uniqueSamples = uniqueSamples
        self.removeAccidentalHits = removeAccidentalHits
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.schedule = schedule
        self.optimizer = optimizer
        self.seed = seed
        self.threads = threads
        self.validationSize = validationSize
        self.hiddenKernel = hiddenKernel
        self.steps = steps
        self.dropout = dropout
    }

    /// The optimiser's state buffers, as checkpoints name them.
    public var optimizerStateNames: [String] { optimizer.stateNames }

    /// Threads for BLAS. With the sparse hidden kernel BLAS only computes the
    /// small output-layer products, and its idle worker threads would spin
    /// on the cores the sparse kernel's threads need, so it gets one.
    public var blasThreads: Int {
        hiddenKernel == .sparse ? 1 : threads
    }

    /// Whether accidental hits are removed, with TensorFlow's per-loss default.
    public var removesAccidentalHits: Bool {
        removeAccidentalHits ?? (loss == .sampledSoftmax)
    }

    /// Processors this process may run on (its CPU affinity mask), within
    /// `threadRange`: the default thread count for training and evaluation.
    public static let availableCores: Int =
        min(max(Int(mnist_nce_available_cores()), threadRange.lowerBound), threadRange.upperBound)

    /// Thread counts `problem()` accepts.
    public static let threadRange = 1...256

    /// Bounds that keep every parameter count far from overflow.
    public static let maximumHiddenUnits = 1 << 16
    public static let maximumClasses = 1 << 20
    public static let maximumInputSize = 1 << 20
    public static let maximumBatchSize = 1 << 16
    /// The largest base learning rate accepted. Adam's steps are about the
    /// learning rate in size whatever the gradient, and SGD with momentum
    /// 0.9 multiplies it by ten, so a rate above this moves weights of
    /// order 0.1 by hundreds per step: no run above it trains.
    public static let maximumLearningRate = 10.0

    /// The first problem with these values, in one line, or nil.
    ///
    /// Catches what would otherwise fail deep inside training: sizes below
    /// one, a negative or non-finite learning rate, and more distinct
    /// negatives than there are classes.
    public func problem() -> String? {
        if !(1...Self.maximumHiddenUnits).contains(model.hiddenUnits) {
            return "--hidden must be between 1 and \(Self.maximumHiddenUnits), got \(model.hiddenUnits)"
        }
        if !(2...Self.maximumClasses).contains(model.classCount) {
            return "the model needs between 2 and \(Self.maximumClasses) classes, got \(model.classCount)"
        }
        let (h, w) = (model.imageHeight, model.imageWidth)
        if h < 1 || w < 1 || h > Self.maximumInputSize || w > Self.maximumInputSize
            || h * w > Self.maximumInputSize {
            return "images must have between 1 and \(Self.maximumInputSize) pixels, got \(h)×\(w)"
        }
        if epochs < 1 { return "--epochs must be at least 1, got \(epochs)" }
        if let steps, steps < 1 { return "--steps must be at least 1, got \(steps)" }
        if !(dropout.isFinite && dropout >= 0 && dropout < 1) {
            return "--dropout must be at least 0 and below 1, got \(dropout)"
        }
        if !(1...Self.maximumBatchSize).contains(batchSize) {
            return "--batch-size must be between 1 and \(Self.maximumBatchSize), got \(batchSize)"
        }
        if validationSize < 0 { return "--validation-size must be 0 or more, got \(validationSize)" }
        // The sparse hidden kernel indexes a batch's pixels with Int32.
        if batchSize * model.inputSize > Int(Int32.max) {
            return "--batch-size \(batchSize) times \(model.inputSize) pixels per image exceeds \(Int32.max) values per batch"
        }
        if !(learningRate.isFinite && learningRate > 0) {
            return "--learning-rate must be a positive number, got \(learningRate)"
        }
        if learningRate > Self.maximumLearningRate {
            return "--learning-rate must be at most \(Self.maximumLearningRate), got \(learningRate)"
        }
        if !Self.threadRange.contains(threads) {
            return "--threads must be between \(Self.threadRange.lowerBound) and \(Self.threadRange.upperBound), got \(threads)"
        }
        if loss != .softmax {
            if numSampled < 1 { return "--num-sampled must be at least 1, got \(numSampled)" }
            if uniqueSamples && numSampled > model.classCount {
                return "--num-sampled must be at most \(model.classCount) (the number of classes) with unique sampling, got \(numSampled)"
            }
        }
        return nil
    }
}

extension TrainingConfiguration: Codable {
    enum CodingKeys: String, CodingKey {
        case model, loss, numSampled, sampler, uniqueSamples, removeAccidentalHits, epochs, steps, batchSize
        case learningRate, schedule, optimizer, seed, threads, validationSize, hiddenKernel, dropout
    }

    /// Reads configurations written before `steps` and `dropout` existed
    /// as runs without them.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(ModelConfiguration.self, forKey: .model)
        loss = try c.decode(LossKind.self, forKey: .loss)
        numSampled = try c.decode(Int.self, forKey: .numSampled)
        sampler = try c.decode(SamplerKind.self, forKey: .sampler)
        uniqueSamples = try c.decode(Bool.self, forKey: .uniqueSamples)
        removeAccidentalHits = try c.decodeIfPresent(Bool.self, forKey: .removeAccidentalHits)
        epochs = try c.decode(Int.self, forKey: .epochs)
        steps = try c.decodeIfPresent(Int.self, forKey: .steps)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        schedule = try c.decode(LearningRateSchedule.self, forKey: .schedule)
        optimizer = try c.decode(OptimizerKind.self, forKey: .optimizer)
        seed = try c.decode(UInt64.self, forKey: .seed)
        threads = try c.decode(Int.self, forKey: .threads)
        validationSize = try c.decode(Int.self, forKey: .validationSize)
        hiddenKernel = try c.decode(HiddenKernel.self, forKey: .hiddenKernel)
        dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? 0
    }
}

extension TrainingConfiguration {
    /// The default recipe for each model: what a first run gets.
    ///
    /// MLP: 20 epochs of batch 32, Adam 1e-3 with a cosine decay, no
    /// dropout (the README's accuracy table). CNN: 10,416 steps of batch 32
    /// (333,312 images, a third of TensorFlow's tutorial), Adam 1e-3 with a
    /// cosine decay, dropout 0.5 (the README's CNN section).
    public static func recipe(for kind: ModelKind) -> TrainingConfiguration {
        switch kind {
        case .mlp:
            return TrainingConfiguration()
        case .cnn:
            return TrainingConfiguration(
                model: ModelConfiguration(kind: .cnn), epochs: 7, batchSize: 32, learningRate: 1e-3,
                schedule: .cosine, steps: 10_416, dropout: 0.5)
        }
    }
}
