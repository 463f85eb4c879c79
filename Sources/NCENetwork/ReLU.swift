/// The rectifier as a forward/backward pair.
public enum ReLU {
    /// `out = max(inp, 0)`, elementwise over `count` values; `out` may equal
    /// `inp` (in place).
    @inlinable
    public static func forward<T: NetworkScalar>(
        out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, count: Int
    ) {
        for i in 0..<count { out[i] = inp[i] > 0 ? inp[i] : 0 }
    }

    /// `dinp = dout` where the forward output was positive, else 0.
    ///
    /// Takes the forward *output*, so the pre-activation need not be kept;
    /// `dinp` may equal `dout` (in place).
    @inlinable
    public static func backward<T: NetworkScalar>(
        dinp: UnsafeMutablePointer<T>, dout: UnsafePointer<T>,
        out: UnsafePointer<T>, count: Int
    ) {
        for i in 0..<count { dinp[i] = out[i] > 0 ? dout[i] : 0 }
    }
}
