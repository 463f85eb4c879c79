import ArgumentParser
import NCENetwork

/// The options that pick one run of a recipe: the loss, its number of
/// negatives and the seed. `train` takes them; `sweep` takes lists of them
/// instead, so they are kept apart from `TrainingOptions`.
struct RunChoiceOptions: ParsableArguments {
    @Option(help: "Loss for the output layer: \(LossKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var loss = LossKind.nce
    // Numeric options take the next word as their value even when it starts
    // with "-", so that a negative number is reported as a bad value rather
    // than as a missing one.
    @Option(parsing: .unconditional, help: "Negative classes sampled per step, shared by the batch (NCE and sampled softmax).")
    var numSampled = 1
    @Option(help: "Seed for initialisation, shuffling and sampling; equal seeds give equal checkpoints.")
    var seed: UInt64 = TrainingConfiguration().seed

    func validate() throws {
        if loss == .softmax && numSampled != 1 {
            throw ValidationError("--num-sampled applies to nce and sampled-softmax, not to --loss softmax")
        }
    }
}

/// The options that decide a training run's result apart from the loss and
/// the seed: the network, the recipe and the data. Shared by every command
/// that trains.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Network: mlp (one hidden layer) or cnn (TensorFlow's MNIST tutorial network).")
    var model = ModelKind.mlp
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
    @Option(parsing: .unconditional, help: "Passes over the training split \(Self.recipeDefaults { "\($0.epochs)" }).")
    var epochs: Int?
    @Option(
        parsing: .unconditional,
        help: "Training steps; replaces --epochs (the last epoch may be partial) \(Self.recipeDefaults { $0.steps.map(String.init) ?? "none" }).")
    var steps: Int?
    @Option(parsing: .unconditional, help: "Images per step \(Self.recipeDefaults { "\($0.batchSize)" }).")
    var batchSize: Int?
    @Option(
        parsing: .unconditional,
        help: "Base learning rate, above 0 and at most \(TrainingConfiguration.maximumLearningRate) \(Self.recipeDefaults { "\($0.learningRate)" }).")
    var learningRate: Double?
    @Option(help: "Learning-rate schedule: \(LearningRateSchedule.allCases.map(\.rawValue).joined(separator: ", ")) \(Self.recipeDefaults { $0.schedule.rawValue }).")
    var schedule: LearningRateSchedule?
    @Option(
        parsing: .unconditional,
        help: "Fraction of the embedding's units dropped in each training step, in [0, 1) \(Self.recipeDefaults { "\($0.dropout)" }).")
    var dropout: Double?
    @Option(help: "Optimizer: adam, or sgd (momentum 0.9).")
    var optimizer = OptimizerKind.adam
    @Option(
        parsing: .unconditional,
        help: "Threads for the sparse hidden-layer kernel, BLAS and the optimizer (default: the cores this process may use).")
    var threads = TrainingConfiguration().threads
    @Option(help: "Hidden-layer products: sparse (skips zero pixels) or blas (dense).")
    var hiddenKernel = TrainingConfiguration().hiddenKernel
    @OptionGroup var data: DataOptions

    /// The configuration of the run with this loss, number of negatives and
    /// seed, for 28×28 input (the caller sets the input size from the data).
    func configuration(loss: LossKind, numSampled: Int, seed: UInt64) -> TrainingConfiguration {
        let recipe = TrainingConfiguration.recipe(for: model)
        return TrainingConfiguration(
            model: ModelConfiguration(kind: model, hiddenUnits: hidden), loss: loss, numSampled: numSampled,
            sampler: sampler, uniqueSamples: unique, removeAccidentalHits: removeAccidentalHits,
            epochs: epochs ?? recipe.epochs, batchSize: batchSize ?? recipe.batchSize,
            learningRate: learningRate ?? recipe.learningRate, schedule: schedule ?? recipe.schedule,
            optimizer: optimizer, seed: seed, threads: threads, validationSize: data.validationSize,
            // --epochs alone replaces the recipe's step count.
            hiddenKernel: hiddenKernel, steps: steps ?? (epochs == nil ? recipe.steps : nil),
            dropout: dropout ?? recipe.dropout)
    }

    /// "(default: A for mlp, B for cnn)" from each model's recipe.
    static func recipeDefaults(_ value: (TrainingConfiguration) -> String) -> String {
        "(default: " + ModelKind.allCases.map { "\(value(.recipe(for: $0))) for \($0.rawValue)" }
            .joined(separator: ", ") + ")"
    }

    /// Checks the options that do not depend on the loss (softmax has no
    /// negatives to check); each command checks its own runs' losses.
    func validate() throws {
        if let problem = configuration(loss: .softmax, numSampled: 1, seed: 1).problem() {
            throw ValidationError(problem)
        }
    }
}
