import ArgumentParser
import NCENetwork

/// The options that decide a training run's result: the network, the loss,
/// the recipe and the data. Shared by every command that trains.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Loss for the output layer: \(LossKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var loss = LossKind.nce
    // Numeric options take the next word as their value even when it starts
    // with "-", so that a negative number is reported as a bad value rather
    // than as a missing one.
    @Option(parsing: .unconditional, help: "Negative classes sampled per step, shared by the batch (NCE and sampled softmax).")
    var numSampled = 1
    @Option(help: "Candidate sampler: \(SamplerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var sampler = SamplerKind.logUniform
    @Flag(inversion: .prefixedNo, help: "Draw distinct negatives, as TensorFlow's samplers do by default.")
    var unique = true
    @Flag(
        inversion: .prefixedNo,
        help: "Mask sampled classes equal to a row's true class (default: off for NCE, on for sampled softmax).")
    var removeAccidentalHits: Bool?
    @Option(parsing: .unconditional, help: "Units in the hidden layer (the embedding width).")
    var hidden = 1024
    @Option(parsing: .unconditional, help: "Passes over the training split.")
    var epochs = TrainingConfiguration().epochs
    @Option(parsing: .unconditional, help: "Images per step.")
    var batchSize = TrainingConfiguration().batchSize
    @Option(
        parsing: .unconditional,
        help: "Base learning rate, above 0 and at most \(TrainingConfiguration.maximumLearningRate).")
    var learningRate = TrainingConfiguration().learningRate
    @Option(help: "Learning-rate schedule: \(LearningRateSchedule.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedule = TrainingConfiguration().schedule
    @Option(help: "Optimizer: adam, or sgd (momentum 0.9).")
    var optimizer = OptimizerKind.adam
    @Option(help: "Seed for initialisation, shuffling and sampling; equal seeds give equal checkpoints.")
    var seed: UInt64 = TrainingConfiguration().seed
    @Option(
        parsing: .unconditional,
        help: "Threads for the sparse hidden-layer kernel, BLAS and the optimizer (default: the cores this process may use).")
    var threads = TrainingConfiguration().threads
    @Option(help: "Hidden-layer products: sparse (skips zero pixels) or blas (dense).")
    var hiddenKernel = TrainingConfiguration().hiddenKernel
    @OptionGroup var data: DataOptions

    /// The configuration these options describe, for 28×28 input (the
    /// caller sets the input size from the data).
    var configuration: TrainingConfiguration {
        TrainingConfiguration(
            model: ModelConfiguration(hiddenUnits: hidden), loss: loss, numSampled: numSampled,
            sampler: sampler, uniqueSamples: unique, removeAccidentalHits: removeAccidentalHits,
            epochs: epochs, batchSize: batchSize, learningRate: learningRate, schedule: schedule,
            optimizer: optimizer, seed: seed, threads: threads, validationSize: data.validationSize,
            hiddenKernel: hiddenKernel)
    }

    func validate() throws {
        if let problem = configuration.problem() { throw ValidationError(problem) }
        if loss == .softmax && numSampled != 1 {
            throw ValidationError("--num-sampled applies to nce and sampled-softmax, not to --loss softmax")
        }
    }
}
