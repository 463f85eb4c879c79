/// Plain-loop versions of `Conv2D.forward` and `Conv2D.backward`, with the
/// same shapes, layouts and accumulation rules, kept as the reference the
/// fast kernels are tested against.
///
/// A stride-1 convolution with TensorFlow's SAME padding for an odd square
/// kernel k: (k − 1) / 2 zeros on every side, so the output has the input's
/// height and width. Activations are NHWC and filters HWIO, as TensorFlow
/// stores them.
public enum Conv2DReference {
    /// `out = conv(inp, filter) + bias`, then `max(·, 0)` when `relu`.
    ///
    /// inp is (B, H, W, C), filter is (k, k, C, OC), bias is (OC), out is
    /// (B, H, W, OC). `out` is overwritten; `bias` may be nil.
    ///
    /// - Precondition: `kernel` is odd and positive.
    public static func forward<T: NetworkScalar>(
        out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, filter: UnsafePointer<T>,
        bias: UnsafePointer<T>?, batch: Int, height: Int, width: Int,
        inChannels: Int, outChannels: Int, kernel: Int, relu: Bool = false
    ) {
        precondition(kernel > 0 && kernel % 2 == 1, "kernel must be odd, got \(kernel)")
        let pad = (kernel - 1) / 2
        for b in 0..<batch {
            for y in 0..<height {
                for x in 0..<width {
                    for co in 0..<outChannels {
                        var sum: T = bias?[co] ?? 0
                        for ky in 0..<kernel {
                            let iy = y + ky - pad
                            if iy < 0 || iy >= height { continue }
                            for kx in 0..<kernel {
                                let ix = x + kx - pad
                                if ix < 0 || ix >= width { continue }
                                for ci in 0..<inChannels {
                                    let input = inp[((b * height + iy) * width + ix) * inChannels + ci]
                                    let weight = filter[((ky * kernel + kx) * inChannels + ci) * outChannels + co]
                                    sum += input * weight
                                }
                            }
                        }
                        if relu && !(sum > 0) { sum = 0 }
                        out[((b * height + y) * width + x) * outChannels + co] = sum
                    }
                }
            }
        }
    }

    /// Gradients of `forward` without ReLU (mask `dout` first for a ReLU
    /// output): `dinp` (overwritten; skipped when nil, as for a first
    /// layer), `dfilter` and `dbias` (accumulated when `accumulate`, else
    /// overwritten; `dbias` skipped when nil).
    ///
    /// dout is (B, H, W, OC), inp and dinp are (B, H, W, C), filter and
    /// dfilter are (k, k, C, OC), dbias is (OC).
    public static func backward<T: NetworkScalar>(
        dinp: UnsafeMutablePointer<T>?, dfilter: UnsafeMutablePointer<T>,
        dbias: UnsafeMutablePointer<T>?, dout: UnsafePointer<T>, inp: UnsafePointer<T>,
        filter: UnsafePointer<T>, batch: Int, height: Int, width: Int,
        inChannels: Int, outChannels: Int, kernel: Int, accumulate: Bool = true
    ) {
        precondition(kernel > 0 && kernel % 2 == 1, "kernel must be odd, got \(kernel)")
        let pad = (kernel - 1) / 2
        func input(_ b: Int, _ y: Int, _ x: Int, _ c: Int) -> Int {
            ((b * height + y) * width + x) * inChannels + c
        }
        func output(_ b: Int, _ y: Int, _ x: Int, _ c: Int) -> Int {
            ((b * height + y) * width + x) * outChannels + c
        }
        func weight(_ ky: Int, _ kx: Int, _ ci: Int, _ co: Int) -> Int {
            ((ky * kernel + kx) * inChannels + ci) * outChannels + co
        }
        if let dinp {
            for b in 0..<batch {
                for y in 0..<height {
                    for x in 0..<width {
                        for ci in 0..<inChannels {
                            // Every output whose window holds input (y, x).
                            var sum: T = 0
                            for ky in 0..<kernel {
                                let oy = y - ky + pad
                                if oy < 0 || oy >= height { continue }
                                for kx in 0..<kernel {
                                    let ox = x - kx + pad
                                    if ox < 0 || ox >= width { continue }
                                    for co in 0..<outChannels {
                                        sum += dout[output(b, oy, ox, co)] * filter[weight(ky, kx, ci, co)]
                                    }
                                }
                            }
                            dinp[input(b, y, x, ci)] = sum
                        }
                    }
                }
            }
        }
        for ky in 0..<kernel {
            for kx in 0..<kernel {
                for ci in 0..<inChannels {
                    for co in 0..<outChannels {
                        var sum: T = 0
                        for b in 0..<batch {
                            for y in 0..<height {
                                let iy = y + ky - pad
                                if iy < 0 || iy >= height { continue }
                                for x in 0..<width {
                                    let ix = x + kx - pad
                                    if ix < 0 || ix >= width { continue }
                                    sum += inp[input(b, iy, ix, ci)] * dout[output(b, y, x, co)]
                                }
                            }
                        }
                        let w = weight(ky, kx, ci, co)
                        dfilter[w] = accumulate ? dfilter[w] + sum : sum
                    }
                }
            }
        }
        if let dbias {
            for co in 0..<outChannels {
                var sum: T = 0
                for p in 0..<(batch * height * width) { sum += dout[p * outChannels + co] }
                dbias[co] = accumulate ? dbias[co] + sum : sum
            }
        }
    }
}
