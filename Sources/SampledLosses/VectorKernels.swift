import RealModule

/// The inner loops over the feature dimension shared by the losses and the
/// dense reference, written as plain pointer loops so optimised builds
/// vectorise them.
@usableFromInline
enum VectorKernels {
    /// Σ a[i]·b[i] over `count` elements.
    @inlinable
    static func dot<T: BinaryFloatingPoint>(
        _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ count: Int
    ) -> T {
        // Eight independent partial sums: floating-point addition is not
        // associative, so the compiler cannot split one sum into lanes itself.
        var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0
        var s4: T = 0, s5: T = 0, s6: T = 0, s7: T = 0
        var i = 0
        while i + 8 <= count {
            s0 += a[i] * b[i]
            s1 += a[i + 1] * b[i + 1]
            s2 += a[i + 2] * b[i + 2]
            s3 += a[i + 3] * b[i + 3]
            s4 += a[i + 4] * b[i + 4]
            s5 += a[i + 5] * b[i + 5]
            s6 += a[i + 6] * b[i + 6]
            s7 += a[i + 7] * b[i + 7]
            i += 8
        }
        while i < count {
            s0 += a[i] * b[i]
            i += 1
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    }

    /// y[i] += alpha·x[i] over `count` elements.
    @inlinable
    static func axpy<T: BinaryFloatingPoint>(
        _ alpha: T, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int
    ) {
        for i in 0..<count {
            y[i] += alpha * x[i]
        }
    }

    /// log Σ exp(x[i]) over `count ≥ 1` values, shifted by the maximum so no
    /// exponential overflows.
    @inlinable
    static func logSumExp<T: Real & BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ count: Int) -> T {
        var maximum = x[0]
        for i in 1..<max(count, 1) { maximum = max(maximum, x[i]) }
        var sum: T = 0
        for i in 0..<count { sum += T.exp(x[i] - maximum) }
        return maximum + T.log(sum)
    }
}
