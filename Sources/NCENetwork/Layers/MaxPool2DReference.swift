/// Plain-loop versions of `MaxPool2D.forward` and `MaxPool2D.backward`, with
/// the same shapes, tie rule and options, kept as the reference the fast
/// kernels are tested against.
public enum MaxPool2DReference {
    /// inp is (B, H, W, C); out is (B, ⌈H/2⌉, ⌈W/2⌉, C) and argmax (may be
    /// nil) the same shape. See `MaxPool2D.forward`.
    public static func forward<T: NetworkScalar>(
        out: UnsafeMutablePointer<T>, argmax: UnsafeMutablePointer<UInt8>?, inp: UnsafePointer<T>,
        batch: Int, height: Int, width: Int, channels: Int, relu: Bool = false
    ) {
        let oh = (height + 1) / 2, ow = (width + 1) / 2
        for b in 0..<batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for c in 0..<channels {
                        var best = T.zero, at = -1
                        // Window positions in row-major order; a later value
                        // wins only when strictly greater.
                        for position in 0..<4 {
                            let y = 2 * oy + position / 2, x = 2 * ox + position % 2
                            if y >= height || x >= width { continue }
                            let value = inp[((b * height + y) * width + x) * channels + c]
                            if at < 0 || value > best {
                                best = value
                                at = position
                            }
                        }
                        if relu && !(best > 0) { best = 0 }
                        let o = ((b * oh + oy) * ow + ox) * channels + c
                        out[o] = best
                        argmax?[o] = UInt8(at)
                    }
                }
            }
        }
    }

    /// dout, argmax and positiveOnly are (B, ⌈H/2⌉, ⌈W/2⌉, C); dinp is
    /// (B, H, W, C), overwritten. See `MaxPool2D.backward`.
    public static func backward<T: NetworkScalar>(
        dinp: UnsafeMutablePointer<T>, dout: UnsafePointer<T>, argmax: UnsafePointer<UInt8>,
        positiveOnly: UnsafePointer<T>? = nil, batch: Int, height: Int, width: Int, channels: Int
    ) {
        let oh = (height + 1) / 2, ow = (width + 1) / 2
        dinp.update(repeating: 0, count: batch * height * width * channels)
        for b in 0..<batch {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for c in 0..<channels {
                        let o = ((b * oh + oy) * ow + ox) * channels + c
                        if let positiveOnly, !(positiveOnly[o] > 0) { continue }
                        let position = Int(argmax[o])
                        let y = 2 * oy + position / 2, x = 2 * ox + position % 2
                        dinp[((b * height + y) * width + x) * channels + c] = dout[o]
                    }
                }
            }
        }
    }
}
