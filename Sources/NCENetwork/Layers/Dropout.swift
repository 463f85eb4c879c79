/// Inverted dropout, as TensorFlow's `tf.nn.dropout`: each unit is kept
/// with probability 1 − rate and kept units are scaled by 1/(1 − rate), so
/// the layer is the identity at inference.
public enum Dropout {
    /// Draws a mask and applies it in place.
    ///
    /// x and mask are (count); mask receives 1/(1 − rate) or 0 per unit,
    /// drawn in index order from `rng` (one draw per unit).
    public static func forward<T: NetworkScalar>(
        _ x: UnsafeMutablePointer<T>, mask: UnsafeMutablePointer<T>, count: Int, rate: Double,
        using rng: inout some RandomNumberGenerator
    ) {
        let scale = T(1 / (1 - rate))
        // A unit is kept when a uniform draw in [0, 1) on a 2⁻³² grid is at
        // least `rate`, as TensorFlow compares its uniform tensor.
        let threshold = UInt64((rate * 4_294_967_296).rounded(.up))
        for i in 0..<count {
            let keep = rng.next() >> 32 >= threshold
            mask[i] = keep ? scale : 0
            x[i] *= mask[i]
        }
    }

    /// Gradient of `forward`: dx = dout · mask, in place.
    ///
    /// dout and mask are (count).
    public static func backward<T: NetworkScalar>(_ dout: UnsafeMutablePointer<T>, mask: UnsafePointer<T>, count: Int) {
        for i in 0..<count { dout[i] *= mask[i] }
    }
}
