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

    // MARK: - Helpers

    /// Filter-gradient rows per BLAS product: four fixed pieces (rounded to
    /// 16 rows), whatever the thread count.
    var filterRowsPerPiece: Int { ((windowSize + 3) / 4 + 15) / 16 * 16 }

    func chunkCount(_ batch: Int) -> Int { (batch + imagesPerChunk - 1) / imagesPerChunk }

    /// The im2col rows of `images`: row (b, y, x) holds the k×k×C window
    /// around (y, x), zeros outside the image.
    func fillColumns(images: Range<Int>, from inp: UnsafePointer<T>) {
        let c = inChannels, k = kernel
        for b in images {
            for y in 0..<height {
                for x in 0..<width {
                    let row = columns! + ((b * height + y) * width + x) * windowSize
                    // The kernel columns whose input lies inside the image.
                    let kx0 = max(0, pad - x), kx1 = min(k, width + pad - x)
                    for ky in 0..<k {
                        let segment = row + ky * k * c
                        let iy = y + ky - pad
                        guard iy >= 0 && iy < height, kx0 < kx1 else {
                            segment.update(repeating: 0, count: k * c)
                            continue
                        }
                        segment.update(repeating: 0, count: kx0 * c)
                        (segment + kx0 * c).update(
                            from: inp + ((b * height + iy) * width + x + kx0 - pad) * c,
                            count: (kx1 - kx0) * c)
                        (segment + kx1 * c).update(repeating: 0, count: (k - kx1) * c)
                    }
                }
            }
        }
    }

    func columnsForward(chunk: Int, _ call: Call) {
        let first = chunk * imagesPerChunk
        let images = first..<min(call.batch, first + imagesPerChunk)
        fillColumns(images: images, from: call.inp!)
        let rows = images.count * height * width
        let firstRow = first * height * width
        let out = call.out! + firstRow * outChannels
        if let bias = call.bias {
            for r in 0..<rows { (out + r * outChannels).update(from: bias, count: outChannels) }
        }
        T.gemm(
            transposeA: false, transposeB: false, m: rows, n: outChannels, k: windowSize,
            alpha: 1, a: columns! + firstRow * windowSize, lda: windowSize, b: call.filter!,
            ldb: outChannels, beta: call.bias == nil ? 0 : 1, c: out, ldc: outChannels)
        if call.relu { ReLU.forward(out, count: rows * outChannels) }
    }

    /// dcolumns = dout · filterᵀ for the chunk's rows (over the im2col rows,
    /// which the filter gradient has finished with), then each column value
    /// added into the input it came from, pixel by pixel in order.
    func columnsInputGradient(chunk: Int, _ call: Call) {
        let first = chunk * imagesPerChunk
        let images = first..<min(call.batch, first + imagesPerChunk)
        let rows = images.count * height * width
        let firstRow = first * height * width
        let dcolumns = columns! + firstRow * windowSize
        T.gemm(
            transposeA: false, transposeB: true, m: rows, n: windowSize, k: outChannels, alpha: 1,
            a: call.dout! + firstRow * outChannels, lda: outChannels, b: call.filter!,
            ldb: outChannels, beta: 0, c: dcolumns, ldc: windowSize)
        let dinp = call.dinp!, c = inChannels, k = kernel
        (dinp + first * inputSize).update(repeating: 0, count: images.count * inputSize)
        for b in images {
            for y in 0..<height {
                for x in 0..<width {
                    let row = columns! + ((b * height + y) * width + x) * windowSize
                    for ky in 0..<k {
                        let iy = y + ky - pad
                        if iy < 0 || iy >= height { continue }
                        for kx in 0..<k {
                            let ix = x + kx - pad
                            if ix < 0 || ix >= width { continue }
                            let target = dinp + ((b * height + iy) * width + ix) * c
                            let source = row + (ky * k + kx) * c
                            for ci in 0..<c { target[ci] += source[ci] }
                        }
                    }
                }
            }
        }
    }

    /// flippedFilter[k−1−ky, k−1−kx, co, ci] = filter[ky, kx, ci, co] for the
    /// taps (ky·k + kx) in range.
    func flipFilter(taps: Range<Int>, _ filter: UnsafePointer<T>) {
        let c = inChannels, oc = outChannels, last = kernel * kernel - 1
        for tap in taps {
            let source = filter + tap * c * oc
            let target = flippedFilter! + (last - tap) * oc * c
            for ci in 0..<c {
                for co in 0..<oc { target[co * c + ci] = source[ci * oc + co] }
            }
        }
    }

    /// dbias (+)= Σ over all pixels of dout, for `channels`, pixel by pixel.
    func biasGradient(channels: Range<Int>, _ call: Call) {
        guard let dbias = call.dbias, !channels.isEmpty else { return }
        let pixels = call.batch * height * width
        if T.self == Float.self {
            mnist_nce_conv_bias_gradient_f32(
                asFloat(dbias), asFloat(call.dout!), pixels, outChannels, channels.lowerBound,
                channels.upperBound, call.accumulate ? 1 : 0)
            return
        }
        let dout = call.dout!
        if !call.accumulate { for c in channels { dbias[c] = 0 } }
        for p in 0..<pixels {
            for c in channels { dbias[c] += dout[p * outChannels + c] }
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
