/// The classifier: `x → dense(hidden, ReLU) = embed → logits = embed · Wᵀ + b`.
///
/// Parameters and gradients live in two arenas of one layout; activations
/// are allocated once for `maxBatch` rows and reused by every step, so a
/// training step allocates nothing. The output layer's loss is applied by a
/// `LossHead`, which reads `embed` and writes `embedGradient`.
public final class Network<T: NetworkScalar> {
    public let configuration: ModelConfiguration
    public let parameters: ParameterArena<T>
    public let gradients: ParameterArena<T>
    /// The most rows a forward or backward pass may take.
    public let maxBatch: Int

    public let hiddenWeight: ParameterLayout.Entry
    public let hiddenBias: ParameterLayout.Entry
    public let outputWeight: ParameterLayout.Entry
    public let outputBias: ParameterLayout.Entry

    /// (maxBatch, hidden): the ReLU output of the hidden layer.
    public let embed: UnsafeMutablePointer<T>
    /// (maxBatch, hidden): the loss's gradient with respect to `embed`.
    public let embedGradient: UnsafeMutablePointer<T>
    /// (maxBatch, classes): full output logits, for softmax and prediction.
    public let logits: UnsafeMutablePointer<T>
    /// (maxBatch, classes): gradient with respect to `logits`.
    public let logitsGradient: UnsafeMutablePointer<T>
    /// (maxBatch, hidden): the last training step's dropout scale per unit
    /// of `embed` (0 or 1/(1 − rate)); unused when the rate is 0.
    let dropoutMask: UnsafeMutablePointer<T>
    /// The dropout rate the last training forward pass applied.
    private(set) var appliedDropout = 0.0
    /// The current batch's non-zero pixels, when the hidden layer runs the
    /// sparse kernel (Float networks only); nil for BLAS.
    let sparseInput: SparseInputBatch?
    /// Threads for the sparse kernel and the optimiser (BLAS has its own
    /// setting), started once with the network.
    public let pool: WorkerPool

    /// - Parameters:
    ///   - hiddenKernel: `.sparse` takes effect for Float; other scalar
    ///     types always use BLAS.
    ///   - threads: threads for the sparse kernel.
    /// - Precondition: `maxBatch > 0` and every size in `configuration` is
    ///   positive (checked by the caller's option validation).
    public init(
        configuration: ModelConfiguration, maxBatch: Int,
        hiddenKernel: HiddenKernel = .blas, threads: Int = 1
    ) {
        precondition(maxBatch > 0)
        self.configuration = configuration
        self.maxBatch = maxBatch
        pool = WorkerPool(threads: max(1, threads))
        sparseInput = hiddenKernel == .sparse && T.self == Float.self
            ? SparseInputBatch(maxBatch: maxBatch, inputs: configuration.inputSize) : nil
        let layout = configuration.parameterLayout
        parameters = ParameterArena(layout: layout)
        gradients = ParameterArena(layout: layout)
        typealias Name = ModelConfiguration.TensorName
        hiddenWeight = layout.entry(Name.hiddenWeight)!
        hiddenBias = layout.entry(Name.hiddenBias)!
        outputWeight = layout.entry(Name.outputWeight)!
        outputBias = layout.entry(Name.outputBias)!
        let h = configuration.hiddenUnits, c = configuration.classCount
        embed = .allocate(capacity: maxBatch * h)
        embedGradient = .allocate(capacity: maxBatch * h)
        logits = .allocate(capacity: maxBatch * c)
        logitsGradient = .allocate(capacity: maxBatch * c)
        embed.initialize(repeating: 0, count: maxBatch * h)
        embedGradient.initialize(repeating: 0, count: maxBatch * h)
        logits.initialize(repeating: 0, count: maxBatch * c)
        logitsGradient.initialize(repeating: 0, count: maxBatch * c)
        dropoutMask = .allocate(capacity: maxBatch * h)
        dropoutMask.initialize(repeating: 1, count: maxBatch * h)
    }

    deinit {
        embed.deallocate()
        embedGradient.deallocate()
        logits.deallocate()
        logitsGradient.deallocate()
        dropoutMask.deallocate()
    }

    /// A pointer reinterpreted as Float; used only on the sparse path, which
    /// exists only when `T` is Float.
    static func floats(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
    }

    static func mutableFloats(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
    }

    /// Pointers to the output layer `W` (classes, hidden) and `b` (classes).
    @inlinable public var outputWeightPointer: UnsafeMutablePointer<T> { parameters.pointer(outputWeight) }
    @inlinable public var outputBiasPointer: UnsafeMutablePointer<T> { parameters.pointer(outputBias) }

    /// Hidden layer forward: `embed = relu(x · W1ᵀ + b1)`.
    ///
    /// x is (B, inputs), embed is (B, hidden). - Precondition: B ≤ maxBatch.
    public func embedForward(_ x: UnsafePointer<T>, batch: Int) {
        let h = configuration.hiddenUnits
        if let sparseInput {
            sparseInput.load(Self.floats(x), batch: batch)
            SparseInputDense.forward(
                out: Self.mutableFloats(embed), weight: Self.floats(parameters.pointer(hiddenWeight)),
                bias: Self.floats(parameters.pointer(hiddenBias)), batch: sparseInput,
                outputs: h, pool: pool)
            ReLU.forward(embed, count: batch * h)
            return
        }
        Dense.forward(
            out: embed, inp: x, weight: parameters.pointer(hiddenWeight),
            bias: parameters.pointer(hiddenBias),
            batch: batch, inputs: configuration.inputSize, outputs: h, layout: .inputMajor)
        ReLU.forward(embed, count: batch * h)
    }

    /// Training forward pass: `embedForward`, then dropout at `rate` with a
    /// mask drawn from `rng` (no draws when the rate is 0).
    public func trainingForward(
        _ x: UnsafePointer<T>, batch: Int, dropout rate: Double, using rng: inout some RandomNumberGenerator
    ) {
        embedForward(x, batch: batch)
        appliedDropout = rate
        if rate > 0 {
            Dropout.forward(embed, mask: dropoutMask, count: batch * configuration.hiddenUnits, rate: rate, using: &rng)
        }
    }

    /// Hidden layer backward from `embedGradient`: overwrites the gradient
    /// of W1 (this layer is its only user, so it needs no zeroing) and
    /// accumulates into that of b1. Clobbers `embedGradient`.
    ///
    /// x is (B, inputs), embedGradient is (B, hidden).
    public func embedBackward(_ x: UnsafePointer<T>, batch: Int) {
        let h = configuration.hiddenUnits
        if appliedDropout > 0 {
            // A dropped unit's embed is 0, so the ReLU mask below also
            // zeroes its gradient; kept units still need the scale.
            Dropout.backward(embedGradient, mask: dropoutMask, count: batch * h)
        }
        ReLU.backward(embedGradient, out: embed, count: batch * h)
        if let sparseInput {
            // The sparse batch still holds this x, loaded by embedForward.
            SparseInputDense.backwardWeights(
                dweight: Self.mutableFloats(gradients.pointer(hiddenWeight)),
                dbias: Self.mutableFloats(gradients.pointer(hiddenBias)), dout: Self.floats(embedGradient),
                batch: sparseInput, outputs: h, accumulate: false, pool: pool)
            return
        }
        Dense.backward(
            dinp: nil, dweight: gradients.pointer(hiddenWeight),
            dbias: gradients.pointer(hiddenBias), dout: embedGradient,
            inp: x, weight: parameters.pointer(hiddenWeight),
            batch: batch, inputs: configuration.inputSize, outputs: h,
            layout: .inputMajor, accumulate: false)
    }

    /// Zeroes the gradients that backward passes accumulate into: every one
    /// but the hidden weight's, which `embedBackward` overwrites.
    @inlinable
    public func zeroAccumulatedGradients() {
        let start = hiddenWeight.offset + hiddenWeight.count
        precondition(hiddenWeight.offset == 0, "the hidden weight must lead the layout")
        (gradients.base + start).update(repeating: 0, count: parameters.layout.totalCount - start)
    }

    /// Output layer forward over all classes: `logits = embed · Wᵀ + b`.
    ///
    /// embed is (B, hidden), logits is (B, classes).
    @inlinable
    public func logitsForward(batch: Int) {
        Dense.forward(
            out: logits, inp: embed, weight: outputWeightPointer, bias: outputBiasPointer,
            batch: batch, inputs: configuration.hiddenUnits, outputs: configuration.classCount)
    }

    /// Output layer backward from `logitsGradient`: overwrites
    /// `embedGradient` and accumulates into the gradients of W and b.
    @inlinable
    public func logitsBackward(batch: Int) {
        Dense.backward(
            dinp: embedGradient, dweight: gradients.pointer(outputWeight),
            dbias: gradients.pointer(outputBias), dout: logitsGradient,
            inp: embed, weight: outputWeightPointer,
            batch: batch, inputs: configuration.hiddenUnits, outputs: configuration.classCount)
    }

    /// Predicted class for each row: argmax of `embed · Wᵀ + b`, ties to the
    /// lowest class index.
    ///
    /// x is (B, inputs); `predictions` receives B values.
    public func predict(_ x: UnsafePointer<T>, batch: Int, into predictions: UnsafeMutablePointer<Int32>) {
        embedForward(x, batch: batch)
        logitsForward(batch: batch)
        let c = configuration.classCount
        for row in 0..<batch {
            let r = logits + row * c
            var best = 0
            for k in 1..<c where r[k] > r[best] { best = k }
            predictions[row] = Int32(best)
        }
    }
}
