import Foundation

/// Maps data values to pixels along one axis, linearly or on a
/// logarithmic scale, and chooses the ticks for it.
struct PlotScale {
    let lower: Double
    let upper: Double
    /// Pixels of `lower` and `upper` (for a vertical axis `start` is the
    /// bottom, so it is the larger number).
    let start: Double
    let end: Double
    let logarithmic: Bool

    init(lower: Double, upper: Double, start: Double, end: Double, logarithmic: Bool = false) {
        precondition(upper > lower && (!logarithmic || lower > 0))
        self.lower = lower
        self.upper = upper
        self.start = start
        self.end = end
        self.logarithmic = logarithmic
    }

    func position(_ value: Double) -> Double {
        let f = logarithmic
            ? (log(value) - log(lower)) / (log(upper) - log(lower))
            : (value - lower) / (upper - lower)
        return start + f * (end - start)
    }

    func contains(_ value: Double) -> Bool {
        value >= lower - 1e-12 * abs(lower) && value <= upper + 1e-12 * abs(upper)
    }

    /// Lower and upper bounds around `values` for a linear axis: the data's
    /// range widened by `padding` of itself on each side (or ±`minimumHalfSpan`
    /// around a single value), so that no point sits on the frame.
    static func linearBounds(_ values: [Double], padding: Double = 0.08, minimumHalfSpan: Double) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return (0, 1) }
        let half = max((high - low) / 2 * (1 + 2 * padding), minimumHalfSpan)
        let middle = (low + high) / 2
        return (middle - half, middle + half)
    }

    /// Round values between `lower` and `upper`, about `target` of them, at
    /// a step of 1, 2, 2.5 or 5 times a power of ten; the step comes back
    /// too, for choosing how many decimals the labels need.
    static func linearTicks(lower: Double, upper: Double, target: Int) -> (ticks: [Double], step: Double) {
        let raw = (upper - lower) / Double(max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.999 } ?? 10 * magnitude
        var ticks: [Double] = []
        var value = (lower / step).rounded(.up) * step
        while value <= upper + step * 1e-9 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return (ticks, step)
    }

    /// Digits after the point that labels at `step` need.
    static func decimals(forStep step: Double) -> Int {
        var decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        let mantissa = step / pow(10, floor(log10(step) + 1e-9))
        if abs(mantissa - 2.5) < 1e-6 { decimals += 1 }
        return decimals
    }

    /// Ticks of a logarithmic axis: 1, 2 and 5 times each power of ten
    /// between `lower` and `upper`, thinned to the powers of ten alone when
    /// that gives more than `maximum`, and at least the two ends' powers.
    static func logarithmicTicks(lower: Double, upper: Double, maximum: Int) -> [Double] {
        let first = Int(floor(log10(lower))), last = Int(ceil(log10(upper)))
        var all: [Double] = []
        for exponent in first...last {
            for m in [1.0, 2, 5] {
                let value = m * pow(10, Double(exponent))
                if value >= lower * (1 - 1e-9) && value <= upper * (1 + 1e-9) { all.append(value) }
            }
        }
        if all.count <= maximum && all.count >= 2 { return all }
        let powers = all.filter { abs(log10($0) - log10($0).rounded()) < 1e-9 }
        return powers.count >= 2 ? powers : all
    }

    /// A short label for a tick of a logarithmic axis: "0.002", "50".
    static func logarithmicLabel(_ value: Double) -> String {
        if value >= 1 { return String(Int(value.rounded())) }
        let decimals = Int(-floor(log10(value) + 1e-9))
        return Format.fixed(value, decimals)
    }
}
