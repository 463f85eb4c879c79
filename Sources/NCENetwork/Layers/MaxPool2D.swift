import CNumericKernels

/// Max-pooling over 2×2 windows with stride 2 and TensorFlow's SAME padding,
/// as a forward/backward pair over flat NHWC buffers.
///
/// The output is ⌈H/2⌉ × ⌈W/2⌉: an odd height or width is padded at the end
/// with −∞, so a last window may hold one or two real values.
///
/// Ties: the gradient goes to the first maximum of the window in row-major
/// order (top-left, top-right, bottom-left, bottom-right), because a later
/// value takes over only when strictly greater. TensorFlow's CPU
/// `MaxPoolGrad` does the same: it recomputes the argmax scanning each
/// window row by row and replaces it only on a strictly larger value. A
/// NaN therefore wins only in the first position.
///
/// Float runs C kernels split over images (the same bits for any thread
/// count: each value is computed alone); other types run
/// `MaxPool2DReference`.
public enum MaxPool2D {
    /// The pooled size of an input height or width: ⌈n/2⌉.
    public static func outputSize(_ n: Int) -> Int { (n + 1) / 2 }

    /// `out` = each window's maximum, and `argmax` (when not nil) its
    /// position dy·2 + dx in the window, for backward. With `relu` the
    /// maximum of `max(x, 0)` is taken (ReLU then pooling, fused); argmax is
    /// still of x.
    ///
    /// inp is (B, H, W, C); out and argmax are (B, ⌈H/2⌉, ⌈W/2⌉, C), overwritten.
    ///
    /// - Precondition: the buffers do not overlap.
    public static func forward<T: NetworkScalar>(
        out: UnsafeMutablePointer<T>, argmax: UnsafeMutablePointer<UInt8>?, inp: UnsafePointer<T>,
        batch: Int, height: Int, width: Int, channels: Int, relu: Bool = false, pool: WorkerPool? = nil
    ) {
        guard T.self == Float.self else {
            MaxPool2DReference.forward(
                out: out, argmax: argmax, inp: inp, batch: batch, height: height, width: width,
                channels: channels, relu: relu)
            return
        }
        var arguments = PoolArguments(
            backward: false, target: asFloat(out), source: asFloat(inp), argmax: argmax, mask: nil,
            batch: batch, height: height, width: width, channels: channels, relu: relu)
        arguments.run(pool: pool)
    }

    /// `dinp` = `dout` routed to each window's argmax, zero elsewhere.
    ///
    /// When the pooled input was a ReLU output (or `forward` ran with
    /// `relu`), pass the pooled output as `positiveOnly` to fold ReLU's
    /// backward in: windows whose output is not positive get zeros, so
    /// `dinp` is the gradient before the ReLU.
    ///
    /// dout, argmax and positiveOnly are (B, ⌈H/2⌉, ⌈W/2⌉, C); dinp is
    /// (B, H, W, C), every value overwritten.
    ///
    /// - Precondition: `argmax` comes from `forward` on this shape; `dinp`
    ///   does not overlap the other buffers.
    public static func backward<T: NetworkScalar>(
        dinp: UnsafeMutablePointer<T>, dout: UnsafePointer<T>, argmax: UnsafePointer<UInt8>,
        positiveOnly: UnsafePointer<T>? = nil, batch: Int, height: Int, width: Int, channels: Int,
        pool: WorkerPool? = nil
    ) {
        guard T.self == Float.self else {
            MaxPool2DReference.backward(
                dinp: dinp, dout: dout, argmax: argmax, positiveOnly: positiveOnly, batch: batch,
                height: height, width: width, channels: channels)
            return
        }
        var arguments = PoolArguments(
            backward: true, target: asFloat(dinp), source: asFloat(dout),
            argmax: UnsafeMutablePointer(mutating: argmax), mask: positiveOnly.map { asFloat($0) },
            batch: batch, height: height, width: width, channels: channels, relu: false)
        arguments.run(pool: pool)
    }
}

/// One pooling call's buffers, shared by the threads that split its images.
struct PoolArguments {
    let backward: Bool
    let target: UnsafeMutablePointer<Float>
    let source: UnsafePointer<Float>
    let argmax: UnsafeMutablePointer<UInt8>?
    let mask: UnsafePointer<Float>?
    let batch, height, width, channels: Int
    let relu: Bool
    var parts = 1

    init(
        backward: Bool, target: UnsafeMutablePointer<Float>, source: UnsafePointer<Float>,
        argmax: UnsafeMutablePointer<UInt8>?, mask: UnsafePointer<Float>?,
        batch: Int, height: Int, width: Int, channels: Int, relu: Bool
    ) {
        self.backward = backward
        self.target = target
        self.source = source
        self.argmax = argmax
        self.mask = mask
        self.batch = batch
        self.height = height
        self.width = width
        self.channels = channels
        self.relu = relu
    }

    func runPart(_ part: Int) {
        let images = evenRange(part, of: parts, count: batch)
        if backward {
            mnist_nce_max_pool_backward_f32(
                target, source, argmax, mask, images.lowerBound, images.upperBound, height, width, channels)
        } else {
            mnist_nce_max_pool_forward_f32(
                target, argmax, source, images.lowerBound, images.upperBound, height, width, channels,
                relu ? 1 : 0)
        }
    }

    mutating func run(pool: WorkerPool?) {
        parts = max(1, min(pool?.threads ?? 1, batch))
        guard let pool, parts > 1 else {
            runPart(0)
            return
        }
        Self.run(&self, parts: parts, on: pool)
    }

    private static func run(_ arguments: inout PoolArguments, parts: Int, on pool: WorkerPool) {
        withUnsafeMutablePointer(to: &arguments) { pointer in
            pool.run(parts: parts, context: UnsafeMutableRawPointer(pointer)) { context, part in
                context?.assumingMemoryBound(to: PoolArguments.self).pointee.runPart(Int(part))
            }
        }
    }
}
