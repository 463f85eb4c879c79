import Foundation
import MNISTData
import SampledLosses

/// Trains a `Network<Float>` on a data set, one epoch per call.
///
/// Every step runs: next batch → forward → zero gradients → backward →
/// update. All buffers are allocated at initialisation.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let network: Network<Float>
    public let data: MNISTDataSet
    let optimizer: Optimizer<Float>
    let head: LossHead
    let batches: BatchSource<Float>
    /// The negatives' stream (see `RandomStream`).
    var negatives: SeededGenerator
    /// The dropout masks' stream.
    var dropout: SeededGenerator
    var divergence = DivergenceRule()
    public private(set) var stepsTaken = 0
    /// Images the steps so far went through.
    public private(set) var imagesTrained = 0
    /// Epochs completed.
    public private(set) var epochsDone = 0
    /// Steps taken in the current epoch (0 between epochs).
    public private(set) var stepInEpoch = 0
    /// The sum of the current epoch's step losses.
    private var epochLossSum = 0.0
    /// Training seconds and images of the current epoch in this process
    /// (a resumed epoch's throughput counts only its own steps).
    private var epochSeconds = 0.0, epochImages = 0, lastSeconds = 0.0
    /// The last completed epoch's validation accuracy and mean loss.
    public private(set) var lastValidationAccuracy: Double?
    public private(set) var lastEpochLoss: Double?
    /// The concurrent loss job's inputs, set before it runs: the batch's
    /// rows and the batch to prepare (see `step`).
    private var concurrentRows = 0, concurrentNextBatch = 0
    /// Its results, which only the loss part writes.
    private var concurrentLoss: Float = .nan
    private var concurrentError: SampledLossError?

    /// Builds the network, initialises it from the seed and prepares every
    /// buffer.
    ///
    /// - Throws: `TrainingError.invalidConfiguration` when the configuration
    ///   has a problem or does not match the data's shape.
    public init(configuration: TrainingConfiguration, data: MNISTDataSet) throws(TrainingError) {
        if let problem = configuration.problem() { throw .invalidConfiguration(problem) }
        let model = configuration.model
        guard data.train.pixelsPerImage == model.inputSize,
              model.kind == .mlp || (data.train.rows, data.train.columns) == (model.imageHeight, model.imageWidth)
        else {
            throw .invalidConfiguration(
                "the model expects \(configuration.model.inputSize) pixels per image, the data has \(data.train.pixelsPerImage)")
        }
        guard data.train.count > 0 else { throw .invalidConfiguration("the training split is empty") }
        self.configuration = configuration
        self.data = data
        BLASThreads.set(configuration.blasThreads)
        var initialization = RandomStream.initialization.generator(seed: configuration.seed)
        negatives = RandomStream.negatives.generator(seed: configuration.seed)
        dropout = RandomStream.dropout.generator(seed: configuration.seed)
        network = Network(
            configuration: configuration.model, maxBatch: configuration.batchSize,
            hiddenKernel: configuration.hiddenKernel, threads: configuration.threads,
            dropout: configuration.dropout)
        network.initialize(using: &initialization)
        optimizer = Optimizer(
            kind: configuration.optimizer, layout: network.parameters.layout, pool: network.pool)
        batches = BatchSource(images: data.train, maxBatch: configuration.batchSize)
        do {
            head = try LossHead(
                configuration: configuration, maxBatch: configuration.batchSize,
                trainingLabelCounts: data.train.labelCounts())
        } catch {
            throw .invalidConfiguration(error.description)
        }
    }

    /// Steps in one epoch (the last batch of an epoch may be partial).
    public var stepsPerEpoch: Int { batches.batchesPerEpoch }
    /// Steps in the whole run: `steps` if set, else every epoch's.
    public var totalSteps: Int { configuration.steps ?? stepsPerEpoch * configuration.epochs }
    /// Epochs the run takes; with `steps` set, the last may be partial.
    public var plannedEpochs: Int { (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch }

    /// One training step on batch `index` of the current order; returns the
    /// batch's mean loss. `finished` is told as each phase ends (profiling).
    ///
    /// When the MLP lists its input and runs on more than one thread, the
    /// next batch of the epoch is loaded and listed on a pool thread: while
    /// the loss runs when the loss leaves the pool free (the sampled
    /// losses), else as one more part of the hidden layer's backward job
    /// (softmax). The next step then starts from it. Nothing else changes:
    /// the batch and its listing are the same values either way.
    func step(batch index: Int, finished: (Phase) -> Void = { _ in }) throws(TrainingError) -> Float {
        let rows: Int
        if let prepared = batches.usePrepared(batch: index) {
            rows = prepared
            network.usePreparedDenseInput()
        } else {
            rows = batches.load(batch: index)
        }
        finished(.loadBatch)
        let input = network.trunkForward(batches.pixels, batch: rows)
        finished(.trunkForward)
        network.denseForward(input, batch: rows, using: &dropout)
        network.zeroAccumulatedGradients()
        finished(.hiddenForward)
        let loss: Float
        if preparesNextBatchDuringLoss, index + 1 < batches.batchesPerEpoch {
            concurrentRows = rows
            concurrentNextBatch = index + 1
            concurrentLoss = .nan
            concurrentError = nil
            network.pool.run(parts: 2, context: Unmanaged.passUnretained(self).toOpaque(), body: concurrentLossPart)
            if let concurrentError { throw .lossFailed(concurrentError.description) }
            loss = concurrentLoss
        } else {
            do {
                loss = try head.forwardBackward(
                    network: network, labels: batches.labels, batch: rows, using: &negatives)
            } catch {
                throw .lossFailed(error.description)
            }
        }
        finished(.loss)
        let rate = configuration.schedule.rate(
            base: configuration.learningRate, step: stepsTaken, totalSteps: totalSteps)
        let update = optimizer.begin(rate: Float(rate))
        // W1's Adam update may run inside its gradient kernel (see Network).
        var alongside: PoolTask?
        if preparesNextBatchDuringBackward, index + 1 < batches.batchesPerEpoch {
            concurrentNextBatch = index + 1
            alongside = PoolTask(context: Unmanaged.passUnretained(self).toOpaque(), body: nextBatchPart)
        }
        let updatedHidden = network.denseBackward(
            input, batch: rows, fusing: optimizer.fusedAdam(update), alongside: alongside)
        finished(.hiddenBackward)
        network.trunkBackward(batches.pixels, batch: rows)
        finished(.trunkBackward)
        optimizer.finish(
            update, parameters: network.parameters, gradients: network.gradients,
            skipping: updatedHidden ? network.hiddenWeight : nil)
        stepsTaken += 1
        imagesTrained += rows
        finished(.update)
        return loss
    }

    /// Whether steps load and list the next batch during the loss, on the
    /// pool's second thread: with the sampled losses (softmax runs its
    /// output layer on the pool), the MLP on the sparse kernel (the CNN's
    /// dense input comes from its trunk), and more than one thread.
    public var preparesNextBatchDuringLoss: Bool {
        configuration.loss != .softmax && network.listsInputAhead && network.pool.threads > 1
    }

    /// The batch of the epoch that the last step loaded and listed ahead,
    /// if any (for the tests and profiles).
    public var batchPreparedAhead: Int? { batches.preparedBatch }

    /// Whether steps load and list the next batch during the hidden
    /// layer's backward pass instead, as one more part of its pool job:
    /// with softmax, whose output layer keeps every thread busy, on the
    /// MLP's sparse kernel with more than one thread.
    public var preparesNextBatchDuringBackward: Bool {
        configuration.loss == .softmax && network.listsInputAhead && network.pool.threads > 1
    }

    /// The loss and the next batch's preparation, run as the two parts of
    /// one pool job (on whichever threads claim them; one thread may run
    /// both). The parts write disjoint memory: the loss the network's
    /// gradients and the negatives' stream, the preparation the spare batch
    /// buffers and listing.
    fileprivate func runConcurrentPart(_ part: Int) {
        if part == 0 {
            do {
                concurrentLoss = try head.forwardBackward(
                    network: network, labels: batches.labels, batch: concurrentRows, using: &negatives)
            } catch {
                concurrentError = error
            }
        } else {
            prepareNextBatch()
        }
    }

    /// Loads batch `concurrentNextBatch` into the spare buffers and lists
    /// it into the network's spare listing; touches nothing the current
    /// step reads.
    fileprivate func prepareNextBatch() {
        let rows = batches.prepare(batch: concurrentNextBatch)
        guard let pixels = batches.preparedPixels else {
            preconditionFailure("prepare(batch:) fills the spare buffers")
        }
        network.prepareDenseInput(pixels, batch: rows)
    }

    /// What to do after a step, as `runEpoch`'s `afterStep` decides.
    public enum StepDecision: Sendable {
        case proceed
        /// Stop before the next step; `runEpoch` returns nil and a later
        /// call continues the epoch where it stopped.
        case pause
    }

    /// Runs the current epoch from where it stands (its start, or the step
    /// a pause or a restored state left it at) to its end: puts the images
    /// in the epoch's order, takes its steps (all of them, or those left of
    /// `steps`), then measures validation accuracy.
    ///
    /// - Parameters:
    ///   - onStep: called after every step with the running figures (for a
    ///     live display); keep it cheap.
    ///   - afterStep: called after every step, after `onStep`; `.pause`
    ///     stops the epoch there (to save a checkpoint and carry on, or to
    ///     stop the run).
    /// - Returns: the epoch's report, or nil when `afterStep` paused it.
    /// - Throws: `TrainingError.diverged` as soon as a step's loss is not
    ///   finite, `.exploded` when the divergence rule trips; the parameters
    ///   are then not to be saved.
    public func runEpoch(
        onStep: ((StepProgress) -> Void)? = nil, afterStep: (() -> StepDecision)? = nil
    ) throws(TrainingError) -> EpochReport? {
        let epoch = epochsDone + 1
        // Whatever ran since the last step (an evaluation, a checkpoint)
        // says nothing about the pool's workers.
        network.pool.pause()
        var order = RandomStream.order.generator(seed: configuration.seed, index: UInt64(epoch - 1))
        batches.shuffle(using: &order)
        let steps = min(stepsPerEpoch, totalSteps - (stepsTaken - stepInEpoch))
        let clock = ContinuousClock()
        let start = clock.now
        while stepInEpoch < steps {
            let index = stepInEpoch
            let loss = try step(batch: index)
            guard loss.isFinite else { throw .diverged(epoch: epoch, step: index + 1, loss: Double(loss)) }
            if divergence.observe(Double(loss)) {
                throw .exploded(
                    epoch: epoch, step: index + 1, smoothedLoss: divergence.smoothed,
                    initialLoss: divergence.initial ?? 0)
            }
            epochLossSum += Double(loss)
            stepInEpoch += 1
            let seconds = (clock.now - start).seconds
            epochSeconds += seconds - lastSeconds
            epochImages += min(configuration.batchSize, data.train.count - index * configuration.batchSize)
            lastSeconds = seconds
            if let onStep {
                onStep(StepProgress(
                    epoch: epoch, epochs: plannedEpochs, step: stepInEpoch, stepsPerEpoch: stepsPerEpoch,
                    stepsTaken: stepsTaken, totalSteps: totalSteps,
                    meanLoss: epochLossSum / Double(stepInEpoch),
                    imagesPerSecond: epochSeconds > 0 ? Double(epochImages) / epochSeconds : 0))
            }
            if stepInEpoch < steps, afterStep?() == .pause {
                lastSeconds = 0
                return nil
            }
        }
        lastSeconds = 0
        let meanLoss = epochLossSum / Double(steps)
        let report = EpochReport(
            epoch: epoch, epochs: plannedEpochs, steps: stepsTaken, meanLoss: meanLoss,
            validationAccuracy: data.validation.count > 0
                ? Evaluator(network: network).evaluate(data.validation).accuracy : nil,
            imagesPerSecond: epochSeconds > 0 ? Double(epochImages) / epochSeconds : 0,
            trainingSeconds: epochSeconds,
            learningRate: configuration.schedule.rate(
                base: configuration.learningRate, step: stepsTaken - 1, totalSteps: totalSteps))
        epochsDone = epoch
        stepInEpoch = 0
        epochLossSum = 0
        epochSeconds = 0
        epochImages = 0
        lastValidationAccuracy = report.validationAccuracy
        lastEpochLoss = meanLoss
        return report
    }

    /// Whether every planned step has been taken.
    public var isFinished: Bool { stepsTaken >= totalSteps }

    /// The run's position and random state, to store beside the parameters
    /// and the optimiser's moments.
    public var state: TrainingState {
        TrainingState(
            stepsTaken: stepsTaken, epochsDone: epochsDone, stepInEpoch: stepInEpoch,
            imagesTrained: imagesTrained, optimizerSteps: optimizer.stepCount,
            negatives: negatives.rawState, dropout: dropout.rawState,
            divergenceInitial: divergence.initial, divergenceSmoothed: divergence.smoothed,
            epochLossSum: epochLossSum, validationAccuracy: lastValidationAccuracy, lastEpochLoss: lastEpochLoss)
    }

    /// The optimiser's state buffers, named as in checkpoints
    /// (`Optimizer.stateNames`), each in the parameters' layout.
    public var optimizerState: [(name: String, values: ParameterArena<Float>)] {
        Array(zip(optimizer.stateNames, optimizer.stateArenas)).map { (name: $0.0, values: $0.1) }
    }

    /// Puts the trainer where a stored run stopped: the position, random
    /// state and divergence figures of `state`, the optimiser's buffers
    /// from `optimizerBuffers` (named as in `optimizerState`, each with
    /// every value of the layout) and the parameters from `parameters`.
    ///
    /// - Throws: `TrainingError.invalidConfiguration` when the state does not
    ///   fit this run (more steps than it has, a missing buffer).
    public func restore(
        state: TrainingState, parameters: ParameterArena<Float>, optimizerBuffers: [String: [Float]]
    ) throws(TrainingError) {
        let stepsBeforeEpoch = state.stepsTaken - state.stepInEpoch
        guard state.stepsTaken <= totalSteps, state.stepInEpoch < stepsPerEpoch,
              stepsBeforeEpoch == min(state.epochsDone * stepsPerEpoch, totalSteps),
              state.optimizerSteps == state.stepsTaken
        else {
            throw .invalidConfiguration(
                "the stored position (epoch \(state.epochsDone), step \(state.stepInEpoch), \(state.stepsTaken) steps) "
                    + "does not fit the run's \(stepsPerEpoch) steps per epoch and \(totalSteps) steps")
        }
        guard parameters.layout.totalCount == network.parameters.layout.totalCount else {
            throw .invalidConfiguration("the stored parameters do not fit the network")
        }
        for (name, arena) in optimizerState {
            guard let values = optimizerBuffers[name], values.count == arena.layout.totalCount else {
                throw .invalidConfiguration("the stored optimizer state has no complete \(name) buffer")
            }
            values.withUnsafeBufferPointer { arena.base.update(from: $0.baseAddress!, count: values.count) }
        }
        network.parameters.base.update(from: parameters.base, count: parameters.layout.totalCount)
        optimizer.restore(stepCount: state.optimizerSteps)
        stepsTaken = state.stepsTaken
        epochsDone = state.epochsDone
        stepInEpoch = state.stepInEpoch
        imagesTrained = state.imagesTrained
        negatives = SeededGenerator(rawState: state.negatives)
        dropout = SeededGenerator(rawState: state.dropout)
        divergence = DivergenceRule(initial: state.divergenceInitial, smoothed: state.divergenceSmoothed)
        epochLossSum = state.epochLossSum
        lastValidationAccuracy = state.validationAccuracy
        lastEpochLoss = state.lastEpochLoss
    }
}

/// A pool part of `Trainer.runConcurrentPart`; the context is the trainer.
private func concurrentLossPart(_ context: UnsafeMutableRawPointer?, _ part: Int32) {
    Unmanaged<Trainer>.fromOpaque(context!).takeUnretainedValue().runConcurrentPart(Int(part))
}

/// A pool part of the hidden layer's backward job (`PoolTask`): loads and
/// lists the next batch; the context is the trainer.
private func nextBatchPart(_ context: UnsafeMutableRawPointer?, _ part: Int32) {
    Unmanaged<Trainer>.fromOpaque(context!).takeUnretainedValue().prepareNextBatch()
}
