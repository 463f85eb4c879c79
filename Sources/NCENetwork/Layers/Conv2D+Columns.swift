import CNumericKernels

/// The column (im2col) algorithm's pieces: filling columns, the products
/// by chunk of images, the flipped filter and the bias gradient.
extension Conv2D {
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
