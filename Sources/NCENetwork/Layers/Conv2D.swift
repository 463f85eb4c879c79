import CNumericKernels

/// How a `Conv2D` layer computes its products.
public enum Conv2DAlgorithm: String, CaseIterable, Sendable {
    /// Copies every output pixel's window into a row of an im2col matrix and
    /// multiplies it by the filter with BLAS, one product per fixed chunk of
    /// images. Any scalar type; the baseline.
    case im2colGEMM = "im2col-gemm"
    /// C kernels that multiply straight out of a zero-padded copy of the
    /// input (an implicit im2col), the input gradient as a convolution of
    /// the output gradient with the flipped filter. `Float` only.
    case direct
    /// The forward pass and the filter gradient from the list of non-zero
    /// inputs, skipping zeros (MNIST pixels are about 81% zeros); the input
    /// gradient as `direct`. `Float` only. For finite filters and gradients
    /// it gives `direct`'s bits. It does a fifth of the arithmetic on MNIST
    /// pixels but updates outputs in memory, one non-zero input at a time;
    /// `nce-bench conv` measured it slower than `direct` even there.
    case sparseInput = "sparse-input"

    /// The fastest measured choice for scalar type `scalar`: `direct` for
    /// `Float` (on MNIST pixels too; see `sparseInput`), `im2colGEMM` for
    /// other scalar types.
    public static func automatic<T: NetworkScalar>(for scalar: T.Type, inChannels: Int) -> Conv2DAlgorithm {
        T.self == Float.self ? .direct : .im2colGEMM
    }
}

/// A 2-D convolution with stride 1 and TensorFlow's SAME padding for an odd
/// square kernel k ((k − 1) / 2 zeros on every side, so the output keeps the
/// input's height and width), as a forward/backward pair over flat buffers.
///
/// Activations are NHWC and filters HWIO (k, k, C, OC), exactly as
/// TensorFlow stores them. The layer owns the scratch memory its algorithm
/// needs, allocated once for `maxBatch` images, so calls allocate nothing.
/// Work is split over the threads of `pool`; every output value is computed
/// by one thread in an order that does not depend on the thread count, so
/// results are the same bits for any number of threads.
/// `Conv2DReference` holds plain loops with the same contract.
///
/// A layer runs one call at a time (it keeps the call's arguments while the
/// pool works on them).
public final class Conv2D<T: NetworkScalar>: PartitionedWork {
    /// The input's (and the output's) height and width.
    public let height: Int
    public let width: Int
    /// Channels of the input (C) and of the output (OC).
    public let inChannels: Int
    public let outChannels: Int
    /// The kernel's height and width (odd).
    public let kernel: Int
    /// The most images a call may take.
    public let maxBatch: Int
    public let algorithm: Conv2DAlgorithm
    /// Threads for the kernels; nil runs on the calling thread.
    public let pool: WorkerPool?
    /// Whether `backward` may compute the input gradient (false for a first
    /// layer, which then holds no scratch for it).
    public let computesInputGradient: Bool

    /// Multiply-adds per image of the forward pass (each of the two
    /// gradients costs as many).
    public var multiplyAddsPerImage: Int { height * width * kernel * kernel * inChannels * outChannels }

    /// Bytes of scratch memory the layer holds.
    public let scratchByteCount: Int

    let pad: Int
    /// Values in one image of the input (H·W·C), and one row of the im2col
    /// matrix (k·k·C, also the filter's rows).
    let inputSize: Int, windowSize: Int
    /// Images per im2col product: a fixed number, so that the products, and
    /// with them the bits, do not depend on the thread count.
    let imagesPerChunk: Int

    // Scratch, by algorithm (nil when unused).
    /// (maxBatch, H + k − 1, W + k − 1, C): the input inside zeros (direct).
    let paddedInput: UnsafeMutablePointer<T>?
    /// (maxBatch, H + k − 1, W + k − 1, OC): the output gradient inside
    /// zeros, for the input gradient (direct, sparseInput).
    let paddedGradient: UnsafeMutablePointer<T>?
    /// (k, k, OC, C): the filter turned 180° with its channels swapped, which
    /// maps the output gradient to the input gradient (direct, sparseInput).
    let flippedFilter: UnsafeMutablePointer<T>?
    /// (maxBatch·H·W, k·k·C): the im2col matrix, also holding the input
    /// gradient's columns during backward (im2colGEMM).
    let columns: UnsafeMutablePointer<T>?
    /// Per image: how many non-zero inputs, their positions and values
    /// (sparseInput), laid out as `mnist_nce_conv_sparse_list_f32` fills them.
    let listCount: UnsafeMutablePointer<Int32>?
    let listIndex: UnsafeMutablePointer<Int32>?
    let listValue: UnsafeMutablePointer<T>?

    /// The arguments of the call in progress, read by `runPart`.
    private var call = Call()

    /// A layer for images of `height × width × inChannels`.
    ///
    /// - Parameters:
    ///   - algorithm: nil picks `Conv2DAlgorithm.automatic`.
    ///   - computesInputGradient: false for a first layer: `backward` then
    ///     takes no `dinp`, and the scratch for it is not allocated.
    ///   - pool: threads for the kernels. With `.im2colGEMM` each thread
    ///     calls BLAS, so BLAS itself should run one thread
    ///     (`BLASThreads.set(1)`).
    /// - Precondition: every size is positive, `kernel` is odd, `direct` and
    ///   `sparseInput` run only for `Float`, and `sparseInput`'s positions
    ///   fit in `Int32`.
    public init(
        height: Int, width: Int, inChannels: Int, outChannels: Int, kernel: Int, maxBatch: Int,
        algorithm: Conv2DAlgorithm? = nil, computesInputGradient: Bool = true, pool: WorkerPool? = nil
    ) {
        precondition(
            height > 0 && width > 0 && inChannels > 0 && outChannels > 0 && maxBatch > 0,
            "Conv2D needs positive sizes")
        precondition(kernel > 0 && kernel % 2 == 1, "Conv2D needs an odd kernel, got \(kernel)")
        let algorithm = algorithm ?? .automatic(for: T.self, inChannels: inChannels)
        precondition(
            algorithm == .im2colGEMM || T.self == Float.self,
            "Conv2D's \(algorithm.rawValue) algorithm runs in Float only")
        self.height = height
        self.width = width
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.maxBatch = maxBatch
        self.algorithm = algorithm
        self.pool = pool
        self.computesInputGradient = computesInputGradient
        pad = (kernel - 1) / 2
        inputSize = height * width * inChannels
        windowSize = kernel * kernel * inChannels
        imagesPerChunk = max(1, 1024 / (height * width))

        var bytes = 0
        func zeros<U: Numeric>(_ count: Int, as: U.Type = U.self) -> UnsafeMutablePointer<U> {
            let pointer = UnsafeMutablePointer<U>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            bytes += count * MemoryLayout<U>.stride
            return pointer
        }
        let paddedPixels = maxBatch * (height + kernel - 1) * (width + kernel - 1)
        let needsGradientPadding = computesInputGradient && (algorithm == .direct || algorithm == .sparseInput)
        paddedInput = algorithm == .direct ? zeros(paddedPixels * inChannels) : nil
        paddedGradient = needsGradientPadding ? zeros(paddedPixels * outChannels) : nil
        flippedFilter = needsGradientPadding ? zeros(windowSize * outChannels) : nil
        columns = algorithm == .im2colGEMM ? zeros(maxBatch * height * width * windowSize) : nil
        if algorithm == .sparseInput {
            precondition(maxBatch * inputSize <= Int(Int32.max), "Conv2D input too large for Int32 positions")
            listCount = zeros(maxBatch)
            listIndex = zeros(maxBatch * inputSize)
            listValue = zeros(maxBatch * inputSize)
        } else {
            listCount = nil
            listIndex = nil
            listValue = nil
        }
        scratchByteCount = bytes
    }

    deinit {
        paddedInput?.deallocate()
        paddedGradient?.deallocate()
        flippedFilter?.deallocate()
        columns?.deallocate()
        listCount?.deallocate()
        listIndex?.deallocate()
        listValue?.deallocate()
    }

    /// `out = conv(inp, filter) + bias`, then `max(·, 0)` when `relu`.
    ///
    /// inp is (B, H, W, C), filter is (k, k, C, OC), bias is (OC), out is
    /// (B, H, W, OC). `out` is overwritten; `bias` may be nil.
    ///
    /// - Precondition: `0 ≤ batch ≤ maxBatch`; `out` does not overlap the
    ///   other buffers.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forward(
        out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, filter: UnsafePointer<T>,
        bias: UnsafePointer<T>?, batch: Int, relu: Bool = false
    ) {
        precondition(batch >= 0 && batch <= maxBatch, "batch \(batch) outside 0...\(maxBatch)")
        guard batch > 0 else { return }
        call = Call(
            batch: batch, out: out, inp: inp, filter: filter, bias: bias, relu: relu)
        let parts = pool?.threads ?? 1
        switch algorithm {
        case .direct:
            run(.forwardImages, parts: parts)
        case .sparseInput:
            run(.sparseForward, parts: parts)
        case .im2colGEMM:
            run(.columnsForward, parts: parts)
        }
        call = Call()
    }

    /// Gradients of `forward` without ReLU (for a ReLU output, mask `dout`
    /// first, as `ReLU.backward` or `MaxPool2D.backward` with
    /// `positiveOnly` do):
    /// - `dinp`, overwritten; nil skips it (a first layer needs none);
    /// - `dfilter` and `dbias`, summed over the batch onto their values when
    ///   `accumulate`, else overwritten; a nil `dbias` is skipped.
    ///
    /// dout is (B, H, W, OC), inp and dinp are (B, H, W, C), filter and
    /// dfilter are (k, k, C, OC), dbias is (OC).
    ///
    /// - Precondition: `0 ≤ batch ≤ maxBatch`; `dinp` is nil unless
    ///   `computesInputGradient`; the written buffers do not overlap each
    ///   other or the inputs.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func backward(
        dinp: UnsafeMutablePointer<T>?, dfilter: UnsafeMutablePointer<T>,
        dbias: UnsafeMutablePointer<T>?, dout: UnsafePointer<T>, inp: UnsafePointer<T>,
        filter: UnsafePointer<T>, batch: Int, accumulate: Bool = true
    ) {
        precondition(batch >= 0 && batch <= maxBatch, "batch \(batch) outside 0...\(maxBatch)")
        precondition(dinp == nil || computesInputGradient, "this Conv2D was made without an input gradient")
        guard batch > 0 else {
            if !accumulate {
                dfilter.update(repeating: 0, count: windowSize * outChannels)
                dbias?.update(repeating: 0, count: outChannels)
            }
            return
        }
        call = Call(
            batch: batch, inp: inp, filter: filter, dinp: dinp, dfilter: dfilter, dbias: dbias,
            dout: dout, accumulate: accumulate)
        let parts = pool?.threads ?? 1
        switch algorithm {
        case .direct, .sparseInput:
            run(.prepareGradients, parts: parts)
            run(.gradients, parts: parts)
        case .im2colGEMM:
            run(.columnsOnly, parts: parts)
            run(.columnsFilterGradient, parts: parts)
            if dinp != nil { run(.columnsInputGradient, parts: parts) }
        }
        call = Call()
    }

    // MARK: - The parts

    /// One stage of a call.
    enum Stage {
        case idle
        /// direct: the input into `paddedInput`, then the output, by images
        /// (each part reads only the images it padded, so one pass suffices).
        case forwardImages
        /// sparseInput: each image's list of non-zeros, then its output, by images.
        case sparseForward
        /// im2colGEMM: columns, bias, product and ReLU, by chunks of images.
        case columnsForward
        /// direct and sparseInput: the padded input (direct) or the lists
        /// (sparseInput) by images; with an input gradient, also the padded
        /// output gradient by images and the flipped filter by taps.
        case prepareGradients
        /// direct and sparseInput: filter rows (or taps), bias channels and
        /// input-gradient pixels, each a range per part.
        case gradients
        /// im2colGEMM: the columns of the input, by chunks.
        case columnsOnly
        /// im2colGEMM: fixed pieces of the filter gradient's rows, and the
        /// bias channels.
        case columnsFilterGradient
        /// im2colGEMM: the input gradient's columns and their sum into dinp,
        /// by chunks.
        case columnsInputGradient
    }

    struct Call {
        var stage = Stage.idle
        var parts = 1
        var batch = 0
        var out: UnsafeMutablePointer<T>? = nil
        var inp: UnsafePointer<T>? = nil
        var filter: UnsafePointer<T>? = nil
        var bias: UnsafePointer<T>? = nil
        var relu = false
        var dinp: UnsafeMutablePointer<T>? = nil
        var dfilter: UnsafeMutablePointer<T>? = nil
        var dbias: UnsafeMutablePointer<T>? = nil
        var dout: UnsafePointer<T>? = nil
        var accumulate = true
    }

    private func run(_ stage: Stage, parts: Int) {
        call.stage = stage
        call.parts = parts
        runParts(parts, on: pool)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func runPart(_ part: Int) {
        let call = self.call
        let b = call.batch
        let images = evenRange(part, of: call.parts, count: b)
        let pixels = evenRange(part, of: call.parts, count: b * height * width, alignment: 12)
        switch call.stage {
        case .idle:
            break
        case .forwardImages:
            mnist_nce_pad_images_f32(
                asFloat(paddedInput!), asFloat(call.inp!), images.lowerBound, images.upperBound,
                height, width, inChannels, pad)
            mnist_nce_conv_forward_f32(
                asFloat(call.out!), asFloat(paddedInput!), asFloat(call.filter!), call.bias.map { asFloat($0) },
                images.lowerBound * height * width, images.upperBound * height * width, height, width,
                inChannels, outChannels, kernel, call.relu ? 1 : 0)
        case .sparseForward:
            mnist_nce_conv_sparse_list_f32(
                listCount!, listIndex!, asFloat(listValue!), asFloat(call.inp!), images.lowerBound,
                images.upperBound, inputSize)
            mnist_nce_conv_sparse_forward_f32(
                asFloat(call.out!), listCount!, listIndex!, asFloat(listValue!), asFloat(call.filter!),
                call.bias.map { asFloat($0) }, images.lowerBound, images.upperBound, height, width, inChannels,
                outChannels, kernel, call.relu ? 1 : 0)
        case .columnsForward:
            for chunk in evenRange(part, of: call.parts, count: chunkCount(b)) {
                columnsForward(chunk: chunk, call)
            }
        case .prepareGradients:
            if algorithm == .direct {
                mnist_nce_pad_images_f32(
                    asFloat(paddedInput!), asFloat(call.inp!), images.lowerBound, images.upperBound,
                    height, width, inChannels, pad)
            } else {
                mnist_nce_conv_sparse_list_f32(
                    listCount!, listIndex!, asFloat(listValue!), asFloat(call.inp!), images.lowerBound,
                    images.upperBound, inputSize)
            }
            if call.dinp != nil {
                mnist_nce_pad_images_f32(
                    asFloat(paddedGradient!), asFloat(call.dout!), images.lowerBound, images.upperBound,
                    height, width, outChannels, pad)
                flipFilter(taps: evenRange(part, of: call.parts, count: kernel * kernel), call.filter!)
            }
        case .gradients:
            if algorithm == .direct {
                let rows = evenRange(part, of: call.parts, count: windowSize, alignment: 12)
                mnist_nce_conv_filter_gradient_f32(
                    asFloat(call.dfilter!), asFloat(paddedInput!), asFloat(call.dout!), rows.lowerBound,
                    rows.upperBound, b, height, width, inChannels, outChannels, kernel,
                    call.accumulate ? 1 : 0)
            } else {
                let taps = evenRange(part, of: call.parts, count: kernel * kernel)
                mnist_nce_conv_sparse_filter_gradient_f32(
                    asFloat(call.dfilter!), listCount!, listIndex!, asFloat(listValue!), asFloat(call.dout!),
                    taps.lowerBound, taps.upperBound, b, height, width, inChannels, outChannels,
                    kernel, call.accumulate ? 1 : 0)
            }
            biasGradient(channels: evenRange(part, of: call.parts, count: outChannels), call)
            if let dinp = call.dinp {
                mnist_nce_conv_forward_f32(
                    asFloat(dinp), asFloat(paddedGradient!), asFloat(flippedFilter!), nil, pixels.lowerBound,
                    pixels.upperBound, height, width, outChannels, inChannels, kernel, 0)
            }
        case .columnsOnly:
            for chunk in evenRange(part, of: call.parts, count: chunkCount(b)) {
                let first = chunk * imagesPerChunk
                fillColumns(images: first..<min(b, first + imagesPerChunk), from: call.inp!)
            }
        case .columnsFilterGradient:
            let rowsPerPiece = filterRowsPerPiece
            let pieces = (windowSize + rowsPerPiece - 1) / rowsPerPiece
            for piece in evenRange(part, of: call.parts, count: pieces) {
                let first = piece * rowsPerPiece
                let rows = min(rowsPerPiece, windowSize - first)
                // dfilter[rows] (+)= columns[:, rows]ᵀ · dout
                T.gemm(
                    transposeA: true, transposeB: false, m: rows, n: outChannels,
                    k: b * height * width, alpha: 1, a: columns! + first, lda: windowSize,
                    b: call.dout!, ldb: outChannels, beta: call.accumulate ? 1 : 0,
                    c: call.dfilter! + first * outChannels, ldc: outChannels)
            }
            biasGradient(channels: evenRange(part, of: call.parts, count: outChannels), call)
        case .columnsInputGradient:
            for chunk in evenRange(part, of: call.parts, count: chunkCount(b)) {
                columnsInputGradient(chunk: chunk, call)
            }
        }
    }
}

/// The same memory as `Float` (the caller has checked that `T` is `Float`).
@inline(__always)
func asFloat<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
}

@inline(__always)
func asFloat<T>(_ pointer: UnsafePointer<T>) -> UnsafePointer<Float> {
    UnsafeRawPointer(pointer).assumingMemoryBound(to: Float.self)
}

/// The same value as `Float` (the caller has checked that `T` is `Float`).
@inline(__always)
func asFloat<T>(_ value: T) -> Float {
    unsafeBitCast(value, to: Float.self)
}
