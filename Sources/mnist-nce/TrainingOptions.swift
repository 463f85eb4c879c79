import ArgumentParser
import NCENetwork

/// The options that pick one run of a recipe: the loss, its number of
/// negatives and the seed. `train` takes them; `sweep` takes lists of them
/// instead, so they are kept apart from `TrainingOptions`.
struct RunChoiceOptions: ParsableArguments {
    // Stored as optionals so that `given` can tell which were typed (a
    // resumed run refuses them); the plain names give the defaults.
    @Option(
        name: .customLong("loss"),
        help: "Loss for the output layer (default: nce).")
    var lossOption: LossKind?
    // Numeric options take the next word as their value even when it starts
    // with "-", so that a negative number is reported as a bad value rather
    // than as a missing one.
    @Option(
        name: .customLong("num-sampled"), parsing: .unconditional,
        help: "Negative classes sampled per step, shared by the batch (NCE and sampled softmax) (default: 1).")
    var numSampledOption: Int?
    @Option(
        name: .customLong("seed"),
        help: "Seed for initialisation, shuffling and sampling; equal seeds give equal checkpoints (default: \(TrainingConfiguration().seed)).")
    var seedOption: UInt64?

    var loss: LossKind { lossOption ?? .nce }
    var numSampled: Int { numSampledOption ?? 1 }
    var seed: UInt64 { seedOption ?? TrainingConfiguration().seed }

    /// The options typed on the command line, as `--name`.
    var given: [String] {
        [("--loss", lossOption != nil), ("--num-sampled", numSampledOption != nil), ("--seed", seedOption != nil)]
            .filter(\.1).map(\.0)
    }

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
    @Option(
        name: .customLong("model"),
        help: "Network: one hidden layer, or TensorFlow's MNIST tutorial network (default: mlp).")
    var modelOption: ModelKind?
    @Option(
        name: .customLong("sampler"),
        help: "Candidate sampler (default: \(SamplerKind.logUniform.rawValue)).")
    var samplerOption: SamplerKind?
    @Flag(
        name: .customLong("unique"), inversion: .prefixedNo,
        help: "Draw distinct negatives, as TensorFlow's samplers do by default (default: --unique).")
    var uniqueOption: Bool?
    @Flag(
        inversion: .prefixedNo,
        help: "Mask sampled classes equal to a row's true class (default: off for NCE, on for sampled softmax).")
    var removeAccidentalHits: Bool?
    @Option(
        name: .customLong("hidden"), parsing: .unconditional,
        help: "Units in the hidden layer (the embedding width) (default: 1024).")
    var hiddenOption: Int?
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
    @Option(help: "Learning-rate schedule \(Self.recipeDefaults { $0.schedule.rawValue }).")
    var schedule: LearningRateSchedule?
    @Option(
        parsing: .unconditional,
        help: "Fraction of the embedding's units dropped in each training step, in [0, 1) \(Self.recipeDefaults { "\($0.dropout)" }).")
    var dropout: Double?
    @Option(name: .customLong("optimizer"), help: "Optimizer: Adam, or SGD with momentum 0.9 (default: adam).")
    var optimizerOption: OptimizerKind?
    @Option(
        name: .customLong("threads"), parsing: .unconditional,
        help: "Threads for the sparse hidden-layer kernel, BLAS and the optimizer (default: the cores this process may use).")
    var threadsOption: Int?
    @Option(
        name: .customLong("hidden-kernel"),
        help: "Hidden-layer products: sparse skips zero pixels, blas is dense (default: \(TrainingConfiguration().hiddenKernel.rawValue)).")
    var hiddenKernelOption: HiddenKernel?
    @OptionGroup var data: DataOptions

    var model: ModelKind { modelOption ?? .mlp }
    var sampler: SamplerKind { samplerOption ?? .logUniform }
    var unique: Bool { uniqueOption ?? true }
    var hidden: Int { hiddenOption ?? 1024 }
    var optimizer: OptimizerKind { optimizerOption ?? .adam }
    var hiddenKernel: HiddenKernel { hiddenKernelOption ?? TrainingConfiguration().hiddenKernel }
    var threads: Int { threadsOption ?? TrainingConfiguration().threads }

    /// The options typed on the command line that decide the run's result
    /// (not `--threads` or `--data-dir`), as `--name`.
    var given: [String] {
        let typed: [(String, Bool)] = [
            ("--model", modelOption != nil), ("--sampler", samplerOption != nil),
            (uniqueOption == false ? "--no-unique" : "--unique", uniqueOption != nil),
            (removeAccidentalHits == false ? "--no-remove-accidental-hits" : "--remove-accidental-hits",
             removeAccidentalHits != nil),
            ("--hidden", hiddenOption != nil), ("--epochs", epochs != nil), ("--steps", steps != nil),
            ("--batch-size", batchSize != nil), ("--learning-rate", learningRate != nil),
            ("--schedule", schedule != nil), ("--dropout", dropout != nil), ("--optimizer", optimizerOption != nil),
            ("--hidden-kernel", hiddenKernelOption != nil), ("--validation-size", data.validationSizeOption != nil),
        ]
        return typed.filter(\.1).map(\.0)
    }

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
