import RealModule

/// Draws used throughout the project, defined by explicit algorithms so that a
/// seeded generator gives the same values on every platform (the standard
/// library's `random(in:)` algorithms are not promised to stay fixed).
extension RandomNumberGenerator {
    /// Returns a uniform `Double` in [0, 1) built from the top 53 bits of one
    /// 64-bit output, so every value is a multiple of 2⁻⁵³.
    @inlinable
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Returns a uniform integer in `0..<bound` without modulo bias
    /// (Lemire's multiply-and-reject method).
    ///
    /// - Precondition: `bound > 0`; a bound of 0 or less returns 0.
    @inlinable
    public mutating func nextIndex(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            // Rejection zone: 2⁶⁴ mod range low products would favour some values.
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Returns a standard normal draw (mean 0, standard deviation 1) by
    /// Marsaglia's polar method, discarding the second value of each pair.
    ///
    /// The uniform inputs are platform independent; the result goes through
    /// `log` and `sqrt`, so it can differ in the last bit between C libraries.
    @inlinable
    public mutating func nextStandardNormal() -> Double {
        while true {
            let u = 2 * nextUnitInterval() - 1
            let v = 2 * nextUnitInterval() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * Double.log(s) / s).squareRoot()
            }
        }
    }

    /// Returns a standard normal draw truncated at two standard deviations:
    /// values with magnitude above 2 are drawn again, as TensorFlow's
    /// `truncated_normal` does. Scale by the wanted standard deviation.
    @inlinable
    public mutating func nextTruncatedNormal() -> Double {
        while true {
            let x = nextStandardNormal()
            if abs(x) <= 2 { return x }
        }
    }
}
