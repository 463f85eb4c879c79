import Foundation

/// Number formats shared by the tables and plots.
enum Format {
    /// `value` with `decimals` digits after the point.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    /// `value` with thousands separated by commas and no decimals.
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()).magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// "mean ± sd" of `summary` with `decimals` digits after scaling by
    /// `scale`; just the mean for a single value.
    static func meanAndSpread(_ summary: SampleSummary?, scale: Double = 1, decimals: Int) -> String {
        guard let summary else { return "–" }
        let mean = fixed(summary.mean * scale, decimals)
        return summary.standardDeviation.map { "\(mean) ± \(fixed($0 * scale, decimals))" } ?? mean
    }

    /// Thousands-grouped "mean ± sd".
    static func groupedMeanAndSpread(_ summary: SampleSummary?) -> String {
        guard let summary else { return "–" }
        let mean = grouped(summary.mean)
        return summary.standardDeviation.map { "\(mean) ± \(grouped($0))" } ?? mean
    }
}
