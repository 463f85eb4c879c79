import CNumericKernels

/// The rectifier as a forward/backward pair, in place.
///
/// Float runs vectorised C kernels; other types run `ReLU.reference*`, the
/// plain loops the kernels are tested against.
public enum ReLU {
    /// `x = max(x, 0)`, elementwise over `count` values.
    @inlinable
    public static func forward<T: NetworkScalar>(_ x: UnsafeMutablePointer<T>, count: Int) {
        if T.self == Float.self {
            mnist_nce_relu_forward_inplace_f32(UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self), count)
        } else {
            referenceForward(x, count: count)
        }
    }

    /// Zeroes `gradient` where the forward output `out` was not positive.
    ///
    /// Takes the forward *output*, so the pre-activation need not be kept.
    /// - Precondition: `gradient` and `out` do not overlap.
    @inlinable
    public static func backward<T: NetworkScalar>(
        _ gradient: UnsafeMutablePointer<T>, out: UnsafePointer<T>, count: Int
    ) {
        if T.self == Float.self {
            mnist_nce_relu_backward_inplace_f32(
                UnsafeMutableRawPointer(gradient).assumingMemoryBound(to: Float.self),
                UnsafeRawPointer(out).assumingMemoryBound(to: Float.self), count)
        } else {
            referenceBackward(gradient, out: out, count: count)
        }
    }

    /// `backward` written to other rows: `dst[r · stride + i]` is
    /// `gradient[r · width + i]` where `out` is positive and 0 elsewhere, for
    /// r < rows and i < width; the gradient itself is left as it is.
    /// - Precondition: `stride ≥ width`; `dst` overlaps neither input.
    public static func backward(
        into dst: UnsafeMutablePointer<Float>, stride: Int, gradient: UnsafePointer<Float>,
        out: UnsafePointer<Float>, rows: Int, width: Int
    ) {
        precondition(stride >= width, "rows of \(width) values cannot be \(stride) apart")
        mnist_nce_relu_backward_rows_f32(dst, stride, gradient, out, rows, width)
    }

    /// Plain-loop `forward`.
    public static func referenceForward<T: NetworkScalar>(_ x: UnsafeMutablePointer<T>, count: Int) {
        for i in 0..<count { x[i] = x[i] > 0 ? x[i] : 0 }
    }

    /// Plain-loop `backward`.
    public static func referenceBackward<T: NetworkScalar>(
        _ gradient: UnsafeMutablePointer<T>, out: UnsafePointer<T>, count: Int
    ) {
        for i in 0..<count { gradient[i] = out[i] > 0 ? gradient[i] : 0 }
    }
}
