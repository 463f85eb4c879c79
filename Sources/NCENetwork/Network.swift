/// The classifier: `x → trunk → dense(hidden, ReLU) [→ dropout] = embed →
/// logits = embed · Wᵀ + b`, where the trunk is nothing (`ModelKind.mlp`:
/// the dense layer reads the pixels) or the convolutional front end of
/// TensorFlow's tutorial (`.cnn`: it reads the pooled features).
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
    /// Dropout on `embed` in training forward passes; nil for a rate of 0.
    let dropout: Dropout<T>?
    /// Whether the last forward pass applied dropout (a training pass).
    private var droppedOut = false
    /// The current batch's non-zero dense-layer inputs (pixels or pooled
    /// features), when the dense layer runs the sparse kernel (Float
    /// networks only); nil for BLAS.
    private(set) var sparseInput: SparseInputBatch?
    /// A second listing, which `prepareDenseInput` fills with a later batch
    /// while `sparseInput` is still in use; allocated at the first call, so
    /// networks that only evaluate never hold it.
    private var preparedSparseInput: SparseInputBatch?
    /// Whether `sparseInput` already holds the batch the next dense forward
    /// pass reads (set by `usePreparedDenseInput`).
    private var inputListed = false
    /// (maxBatch, `SparseInputDense.paddedRowStride`): the hidden layer's
    /// output gradient, rows padded, that the fused sparse kernel reads;
    /// nil without `sparseInput`.
    private let paddedHiddenGradient: UnsafeMutablePointer<Float>?
    /// The convolutional front end (`.cnn` only).
    let convolution: ConvolutionTrunk<T>?
    /// The gradient entries backward passes accumulate into, which a step
    /// zeroes first; the others (W1 and the trunk's) are overwritten.
    private let accumulatedGradients: [ParameterLayout.Entry]
    /// Threads for the sparse kernel and the optimiser (BLAS has its own
    /// setting), started once with the network.
    public let pool: WorkerPool

    /// - Parameters:
    ///   - hiddenKernel: `.sparse` takes effect for Float; other scalar
    ///     types always use BLAS.
    ///   - threads: threads for the sparse kernel and the trunk.
    ///   - dropout: the rate `trainingForward` drops `embed`'s units at.
    /// - Precondition: `maxBatch > 0`, every size in `configuration` is
    ///   positive and `0 ≤ dropout < 1` (checked by the caller's option
    ///   validation).
    public init(
        configuration: ModelConfiguration, maxBatch: Int,
        hiddenKernel: HiddenKernel = .blas, threads: Int = 1, dropout: Double = 0
    ) {
        precondition(maxBatch > 0)
        self.configuration = configuration
        self.maxBatch = maxBatch
        pool = WorkerPool(threads: max(1, threads))
        sparseInput = hiddenKernel == .sparse && T.self == Float.self
            ? SparseInputBatch(maxBatch: maxBatch, inputs: configuration.denseInputs) : nil
        listsInputAhead = sparseInput != nil && configuration.kind == .mlp
        paddedHiddenGradient = sparseInput == nil
            ? nil
            : .allocateCacheAligned(
                capacity: maxBatch * SparseInputDense.paddedRowStride(outputs: configuration.hiddenUnits))
        paddedHiddenGradient?.initialize(
            repeating: 0, count: maxBatch * SparseInputDense.paddedRowStride(outputs: configuration.hiddenUnits))
        convolution = configuration.kind == .cnn
            ? ConvolutionTrunk(
                height: configuration.imageHeight, width: configuration.imageWidth, maxBatch: maxBatch, pool: pool)
            : nil
        typealias Name = ModelConfiguration.TensorName
        let overwritten: Set<String> = [Name.hiddenWeight, Name.conv1Filter, Name.conv1Bias, Name.conv2Filter, Name.conv2Bias]
        let layout = configuration.parameterLayout
        accumulatedGradients = layout.entries.filter { !overwritten.contains($0.name) }
        parameters = ParameterArena(layout: layout)
        gradients = ParameterArena(layout: layout)
        hiddenWeight = layout.entry(Name.hiddenWeight)!
        hiddenBias = layout.entry(Name.hiddenBias)!
        outputWeight = layout.entry(Name.outputWeight)!
        outputBias = layout.entry(Name.outputBias)!
        let h = configuration.hiddenUnits, c = configuration.classCount
        embed = .allocateCacheAligned(capacity: maxBatch * h)
        embedGradient = .allocateCacheAligned(capacity: maxBatch * h)
        logits = .allocate(capacity: maxBatch * c)
        logitsGradient = .allocate(capacity: maxBatch * c)
        embed.initialize(repeating: 0, count: maxBatch * h)
        embedGradient.initialize(repeating: 0, count: maxBatch * h)
        logits.initialize(repeating: 0, count: maxBatch * c)
        logitsGradient.initialize(repeating: 0, count: maxBatch * c)
        self.dropout = dropout > 0 ? Dropout(rate: dropout, maxCount: maxBatch * h) : nil
    }

    deinit {
        embed.deallocate()
        embedGradient.deallocate()
        paddedHiddenGradient?.deallocate()
        logits.deallocate()
        logitsGradient.deallocate()
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

    /// Inference forward pass: `embed = relu(trunk(x) · W1 + b1)`.
    ///
    /// x is (B, H·W) (one channel, NHWC), embed is (B, hidden).
    /// - Precondition: B ≤ maxBatch.
    public func embedForward(_ x: UnsafePointer<T>, batch: Int) {
        denseForward(trunkForward(x, batch: batch), batch: batch)
    }

    /// Training forward pass: `embedForward`, then dropout with a mask
    /// drawn from `rng` (no draws when the network has no dropout).
    public func trainingForward(_ x: UnsafePointer<T>, batch: Int, using rng: inout some RandomNumberGenerator) {
        denseForward(trunkForward(x, batch: batch), batch: batch, using: &rng)
    }

    /// Backward pass from `embedGradient` through the dense layer and the
    /// trunk: overwrites the gradients of W1 and of the trunk's tensors
    /// (their layers are their only users, so they need no zeroing) and
    /// accumulates into that of b1. Clobbers `embedGradient`.
    ///
    /// x is the batch the last forward pass saw; embedGradient is (B, hidden).
    public func embedBackward(_ x: UnsafePointer<T>, batch: Int) {
        denseBackward(denseInput(x), batch: batch)
        trunkBackward(x, batch: batch)
    }

    /// The trunk's forward pass: returns what the dense layer reads, the
    /// pixels themselves (MLP) or the pooled features (CNN), (B, denseInputs).
    public func trunkForward(_ x: UnsafePointer<T>, batch: Int) -> UnsafePointer<T> {
        convolution?.forward(x, parameters: ConvolutionParameters(parameters), batch: batch)
        return denseInput(x)
    }

    /// What the dense layer reads for input x: x, or the trunk's features.
    public func denseInput(_ x: UnsafePointer<T>) -> UnsafePointer<T> {
        convolution.map { UnsafePointer($0.features) } ?? x
    }

    /// `embed = relu(input · W1 + b1)`, then dropout when `rng` is given.
    ///
    /// input is (B, denseInputs), embed is (B, hidden).
    public func denseForward(
        _ input: UnsafePointer<T>, batch: Int, using rng: inout some RandomNumberGenerator
    ) {
        denseForward(input, batch: batch)
        if let dropout {
            dropout.forward(out: embed, inp: embed, count: batch * configuration.hiddenUnits, using: &rng)
            droppedOut = true
        }
    }

    /// Whether the dense layer's input can be listed ahead with
    /// `prepareDenseInput`: the MLP (whose dense input is the pixels) on the
    /// sparse kernel.
    public let listsInputAhead: Bool

    /// Lists the non-zeros of `x`, the input of a later batch, into the
    /// spare listing, leaving the current batch's as it is (so it may run
    /// on another thread during the loss). `usePreparedDenseInput` makes
    /// it the one the next `denseForward` reads.
    ///
    /// - Precondition: `listsInputAhead`, `0 <= batch <= maxBatch`.
    public func prepareDenseInput(_ x: UnsafePointer<T>, batch: Int) {
        precondition(listsInputAhead, "this network does not list its input ahead")
        let listing = preparedSparseInput ?? SparseInputBatch(maxBatch: maxBatch, inputs: configuration.denseInputs)
        preparedSparseInput = listing
        listing.load(Self.floats(x), batch: batch)
    }

    /// Makes the listing `prepareDenseInput` filled the current one: the
    /// next `denseForward` uses it instead of listing its input, which
    /// must be the same values that were prepared.
    public func usePreparedDenseInput() {
        guard let prepared = preparedSparseInput else {
            preconditionFailure("no batch was listed ahead")
        }
        preparedSparseInput = sparseInput
        sparseInput = prepared
        inputListed = true
    }

    /// `embed = relu(input · W1 + b1)`, without dropout.
    public func denseForward(_ input: UnsafePointer<T>, batch: Int) {
        droppedOut = false
        let h = configuration.hiddenUnits
        if let sparseInput {
            // Workers wake while the batch is listed.
            pool.wake()
            if !inputListed || sparseInput.batch != batch {
                sparseInput.load(Self.floats(input), batch: batch)
            }
            inputListed = false
            // The rectifier is applied as each value is finished.
            SparseInputDense.forward(
                out: Self.mutableFloats(embed), weight: Self.floats(parameters.pointer(hiddenWeight)),
                bias: Self.floats(parameters.pointer(hiddenBias)), batch: sparseInput,
                outputs: h, relu: true, pool: pool)
        } else {
            Dense.forward(
                out: embed, inp: input, weight: parameters.pointer(hiddenWeight),
                bias: parameters.pointer(hiddenBias),
                batch: batch, inputs: configuration.denseInputs, outputs: h, layout: .inputMajor)
            ReLU.forward(embed, count: batch * h)
        }
    }

    /// The dense layer's backward pass from `embedGradient` (dropout, ReLU,
    /// weights), and for the CNN the gradient of its input. Clobbers
    /// `embedGradient`.
    public func denseBackward(_ input: UnsafePointer<T>, batch: Int) {
        _ = denseBackward(input, batch: batch, fusing: nil)
    }

    /// `denseBackward`, with this step's Adam update of W1 applied as its
    /// gradient is computed when `adam` is given and the layer runs the
    /// sparse kernel. The gradient of W1 is then not stored; the CNN's
    /// features gradient is computed first, from W1 before the update.
    /// Returns whether W1 was updated; the caller updates every other
    /// tensor, and W1 too when this returns false.
    ///
    /// `alongside`, if given, runs once during the weights' gradient: as
    /// one more part of the sparse kernel's pool job, or on the caller
    /// after the dense kernel. It must not touch the layer's buffers.
    public func denseBackward(
        _ input: UnsafePointer<T>, batch: Int, fusing adam: FusedAdam?, alongside: PoolTask? = nil
    ) -> Bool {
        let h = configuration.hiddenUnits
        if let adam, let sparseInput, let paddedHiddenGradient {
            pool.wake()
            if let dropout, droppedOut {
                dropout.backward(dinp: embedGradient, dout: embedGradient, count: batch * h)
            }
            if let convolution {
                ReLU.backward(embedGradient, out: embed, count: batch * h)
                convolution.featuresGradient(
                    fromEmbedGradient: embedGradient, weight: parameters.pointer(hiddenWeight), batch: batch, hidden: h)
            }
            let offset = hiddenWeight.offset
            let stride = padHiddenGradient(into: paddedHiddenGradient, batch: batch, masked: convolution == nil)
            SparseInputDense.backwardWeightsAdam(
                weight: Self.mutableFloats(parameters.pointer(hiddenWeight)),
                first: adam.first + offset, second: adam.second + offset,
                dbias: Self.mutableFloats(gradients.pointer(hiddenBias)), dout: paddedHiddenGradient,
                doutStride: stride, batch: sparseInput, outputs: h, update: adam.constants, pool: pool,
                alongside: alongside)
            return true
        }
        denseBackwardUnfused(input, batch: batch, alongside: alongside)
        return false
    }

    /// Copies `embedGradient`'s first `batch` rows into `padded`, rows
    /// `SparseInputDense.paddedRowStride` apart, and returns that stride.
    /// With `masked`, the ReLU's backward pass is applied on the way (one
    /// pass instead of two); otherwise the rows are copied as they are.
    private func padHiddenGradient(into padded: UnsafeMutablePointer<Float>, batch: Int, masked: Bool) -> Int {
        let h = configuration.hiddenUnits
        let stride = SparseInputDense.paddedRowStride(outputs: h)
        let gradient = Self.floats(embedGradient)
        if masked {
            ReLU.backward(into: padded, stride: stride, gradient: gradient, out: Self.floats(embed), rows: batch, width: h)
            return stride
        }
        for row in 0..<batch {
            (padded + row * stride).update(from: gradient + row * h, count: h)
        }
        return stride
    }

    private func denseBackwardUnfused(_ input: UnsafePointer<T>, batch: Int, alongside: PoolTask?) {
        let h = configuration.hiddenUnits
        if let dropout, droppedOut {
            // A dropped unit's embed is 0, so the ReLU mask below also
            // zeroes its gradient; kept units still need the scale.
            dropout.backward(dinp: embedGradient, dout: embedGradient, count: batch * h)
        }
        // The CNN reads the masked gradient afterwards; the MLP's sparse
        // path applies the mask as it pads the rows.
        let maskWhilePadding = sparseInput != nil && convolution == nil
        if !maskWhilePadding { ReLU.backward(embedGradient, out: embed, count: batch * h) }
        if let sparseInput, let paddedHiddenGradient {
            // The sparse batch still holds this input, loaded by denseForward.
            let stride = padHiddenGradient(into: paddedHiddenGradient, batch: batch, masked: maskWhilePadding)
            SparseInputDense.backwardWeights(
                dweight: Self.mutableFloats(gradients.pointer(hiddenWeight)),
                dbias: Self.mutableFloats(gradients.pointer(hiddenBias)), dout: paddedHiddenGradient,
                doutStride: stride, batch: sparseInput, outputs: h, accumulate: false, pool: pool,
                alongside: alongside)
        } else {
            Dense.backward(
                dinp: nil, dweight: gradients.pointer(hiddenWeight),
                dbias: gradients.pointer(hiddenBias), dout: embedGradient,
                inp: input, weight: parameters.pointer(hiddenWeight),
                batch: batch, inputs: configuration.denseInputs, outputs: h,
                layout: .inputMajor, accumulate: false)
            alongside?.run()
        }
        guard let convolution else { return }
        convolution.featuresGradient(
            fromEmbedGradient: embedGradient, weight: parameters.pointer(hiddenWeight), batch: batch, hidden: h)
    }

    /// The trunk's backward pass from the features' gradient that
    /// `denseBackward` left; nothing for the MLP.
    public func trunkBackward(_ x: UnsafePointer<T>, batch: Int) {
        convolution?.backward(
            x, parameters: ConvolutionParameters(parameters), gradients: ConvolutionParameters(gradients),
            batch: batch)
    }

    /// Zeroes the gradients that backward passes accumulate into: all but
    /// those `embedBackward` overwrites.
    public func zeroAccumulatedGradients() {
        for entry in accumulatedGradients {
            gradients.pointer(entry).update(repeating: 0, count: entry.count)
        }
    }

    /// Output layer forward over all classes: `logits = embed · Wᵀ + b`
    /// (`OutputLayer`).
    ///
    /// embed is (B, hidden), logits is (B, classes).
    public func logitsForward(batch: Int) {
        OutputLayer.forward(
            logits: logits, embed: embed, weight: outputWeightPointer, bias: outputBiasPointer,
            batch: batch, hidden: configuration.hiddenUnits, classes: configuration.classCount, pool: pool)
    }

    /// Output layer backward from `logitsGradient`: overwrites
    /// `embedGradient` and accumulates into the gradients of W and b.
    public func logitsBackward(batch: Int) {
        OutputLayer.backward(
            embedGradient: embedGradient, dWeight: gradients.pointer(outputWeight),
            dBias: gradients.pointer(outputBias), logitsGradient: logitsGradient, embed: embed,
            weight: outputWeightPointer, batch: batch, hidden: configuration.hiddenUnits,
            classes: configuration.classCount, pool: pool)
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
