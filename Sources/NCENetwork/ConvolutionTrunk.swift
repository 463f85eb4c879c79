/// The convolutional front end of TensorFlow's MNIST tutorial network, up
/// to the features the dense layer reads:
///
///     x (B, H, W, 1) → conv 5×5×32 + bias, ReLU → max-pool 2×2
///       → conv 5×5×64 + bias, ReLU → max-pool 2×2 = features (B, H/4·W/4·64)
///
/// (sizes rounded up by each SAME pool). ReLU is fused into each
/// convolution's forward pass and folded into each pool's backward pass.
/// Every activation and gradient buffer is allocated once for `maxBatch`
/// images.
final class ConvolutionTrunk<T: NetworkScalar>: PartitionedWork {
    let height: Int, width: Int
    /// After the first pool, and after the second.
    let height2: Int, width2: Int, height4: Int, width4: Int
    static var channels1: Int { ModelConfiguration.Convolution.firstChannels }
    static var channels2: Int { ModelConfiguration.Convolution.secondChannels }

    let conv1: Conv2D<T>
    let conv2: Conv2D<T>
    let pool: WorkerPool

    /// (B, H, W, 32): ReLU of the first convolution.
    let conv1Out: UnsafeMutablePointer<T>
    /// (B, H/2, W/2, 32), and each value's position in its window.
    let pool1Out: UnsafeMutablePointer<T>
    let pool1Argmax: UnsafeMutablePointer<UInt8>
    /// (B, H/2, W/2, 64): ReLU of the second convolution.
    let conv2Out: UnsafeMutablePointer<T>
    /// (B, H/4, W/4, 64): the features, flattened per image in NHWC order.
    let features: UnsafeMutablePointer<T>
    let pool2Argmax: UnsafeMutablePointer<UInt8>
    /// Gradients of the loss with respect to `features`, `conv2Out` (before
    /// its ReLU), `pool1Out` and `conv1Out` (before its ReLU).
    let featuresGradient: UnsafeMutablePointer<T>
    let conv2Gradient: UnsafeMutablePointer<T>
    let pool1Gradient: UnsafeMutablePointer<T>
    let conv1Gradient: UnsafeMutablePointer<T>

    init(height: Int, width: Int, maxBatch: Int, pool: WorkerPool) {
        self.height = height
        self.width = width
        height2 = MaxPool2D.outputSize(height)
        width2 = MaxPool2D.outputSize(width)
        height4 = MaxPool2D.outputSize(height2)
        width4 = MaxPool2D.outputSize(width2)
        self.pool = pool
        let k = ModelConfiguration.Convolution.kernel
        // The first layer's input is the image: no gradient to compute.
        conv1 = Conv2D(
            height: height, width: width, inChannels: 1, outChannels: Self.channels1, kernel: k,
            maxBatch: maxBatch, computesInputGradient: false, pool: pool)
        conv2 = Conv2D(
            height: height2, width: width2, inChannels: Self.channels1, outChannels: Self.channels2, kernel: k,
            maxBatch: maxBatch, pool: pool)
        let full = maxBatch * height * width * Self.channels1
        let half1 = maxBatch * height2 * width2 * Self.channels1
        let half2 = maxBatch * height2 * width2 * Self.channels2
        let quarter = maxBatch * height4 * width4 * Self.channels2
        func buffer(_ count: Int) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        func indices(_ count: Int) -> UnsafeMutablePointer<UInt8> {
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        conv1Out = buffer(full)
        pool1Out = buffer(half1)
        pool1Argmax = indices(half1)
        conv2Out = buffer(half2)
        features = buffer(quarter)
        pool2Argmax = indices(quarter)
        featuresGradient = buffer(quarter)
        conv2Gradient = buffer(half2)
        pool1Gradient = buffer(half1)
        conv1Gradient = buffer(full)
    }

    deinit {
        for p in [conv1Out, pool1Out, conv2Out, features, featuresGradient, conv2Gradient, pool1Gradient, conv1Gradient] {
            p.deallocate()
        }
        pool1Argmax.deallocate()
        pool2Argmax.deallocate()
    }

    /// Values per image in `features`.
    var featureCount: Int { height4 * width4 * Self.channels2 }

    /// Column blocks of the features' gradient product: a fixed number, so
    /// that each value is computed the same way for any thread count.
    static var featureBlocks: Int { 8 }
    /// The product in progress: embed's gradient (B, hidden) and the dense
    /// weight (F, hidden).
    private var product: (dEmbed: UnsafePointer<T>, weight: UnsafePointer<T>, batch: Int, hidden: Int)?

    /// `featuresGradient` (B, F) = dEmbed (B, hidden) · weightᵀ, weight
    /// (F, hidden) input-major, in column blocks over the pool's threads.
    func featuresGradient(fromEmbedGradient dEmbed: UnsafePointer<T>, weight: UnsafePointer<T>, batch: Int, hidden: Int) {
        product = (dEmbed, weight, batch, hidden)
        runParts(Self.featureBlocks, on: pool)
        product = nil
    }

    func runPart(_ part: Int) {
        guard let product else { return }
        let f = featureCount
        let columns = evenRange(part, of: Self.featureBlocks, count: f, alignment: 16)
        guard !columns.isEmpty else { return }
        T.gemm(
            transposeA: false, transposeB: true, m: product.batch, n: columns.count, k: product.hidden,
            alpha: 1, a: product.dEmbed, lda: product.hidden, b: product.weight + columns.lowerBound * product.hidden,
            ldb: product.hidden, beta: 0, c: featuresGradient + columns.lowerBound, ldc: f)
    }

    /// Computes `features` from x (B, H, W, 1).
    func forward(_ x: UnsafePointer<T>, parameters p: ConvolutionParameters<T>, batch: Int) {
        conv1.forward(out: conv1Out, inp: x, filter: p.filter1, bias: p.bias1, batch: batch, relu: true)
        MaxPool2D.forward(
            out: pool1Out, argmax: pool1Argmax, inp: conv1Out, batch: batch, height: height, width: width,
            channels: Self.channels1, pool: pool)
        conv2.forward(out: conv2Out, inp: pool1Out, filter: p.filter2, bias: p.bias2, batch: batch, relu: true)
        MaxPool2D.forward(
            out: features, argmax: pool2Argmax, inp: conv2Out, batch: batch, height: height2, width: width2,
            channels: Self.channels2, pool: pool)
    }

    /// From `featuresGradient`, overwrites the filters' and biases'
    /// gradients (so they need no zeroing). x is the batch `forward` saw.
    func backward(
        _ x: UnsafePointer<T>, parameters p: ConvolutionParameters<T>, gradients g: ConvolutionParameters<T>,
        batch: Int
    ) {
        // A pooled output that is not positive came from a ReLU that cut
        // its whole window, so passing the output folds ReLU's backward in.
        MaxPool2D.backward(
            dinp: conv2Gradient, dout: featuresGradient, argmax: pool2Argmax, positiveOnly: features,
            batch: batch, height: height2, width: width2, channels: Self.channels2, pool: pool)
        conv2.backward(
            dinp: pool1Gradient, dfilter: g.filter2, dbias: g.bias2, dout: conv2Gradient, inp: pool1Out,
            filter: p.filter2, batch: batch, accumulate: false)
        MaxPool2D.backward(
            dinp: conv1Gradient, dout: pool1Gradient, argmax: pool1Argmax, positiveOnly: pool1Out,
            batch: batch, height: height, width: width, channels: Self.channels1, pool: pool)
        conv1.backward(
            dinp: nil, dfilter: g.filter1, dbias: g.bias1, dout: conv1Gradient, inp: x,
            filter: p.filter1, batch: batch, accumulate: false)
    }
}

/// Pointers to the trunk's four tensors in a parameter or gradient arena.
struct ConvolutionParameters<T: NetworkScalar> {
    let filter1, bias1, filter2, bias2: UnsafeMutablePointer<T>

    init(_ arena: ParameterArena<T>) {
        typealias Name = ModelConfiguration.TensorName
        let layout = arena.layout
        filter1 = arena.pointer(layout.entry(Name.conv1Filter)!)
        bias1 = arena.pointer(layout.entry(Name.conv1Bias)!)
        filter2 = arena.pointer(layout.entry(Name.conv2Filter)!)
        bias2 = arena.pointer(layout.entry(Name.conv2Bias)!)
    }
}
