extension LossBenchmark {
    /// Renders rows as a Markdown table: classes, sampled, NCE ms, softmax ms,
    /// softmax path and the softmax/NCE ratio.
    public static func formatTable(_ rows: [Row]) -> String {
        var lines = [
            "| classes C | NCE S | NCE step (ms) | softmax step (ms) | softmax products | softmax / NCE |",
            "| ---: | ---: | ---: | ---: | :--- | ---: |",
        ]
        for row in rows {
            lines.append(
                "| \(row.classCount) | \(row.numSampled) | \(format(row.nceMilliseconds)) | "
                    + "\(format(row.softmaxMilliseconds)) | \(row.softmaxPath) | \(format(row.speedup))× |")
        }
        return lines.joined(separator: "\n")
    }

    /// Three significant figures at most, without scientific notation.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let decimals = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3
        var scaled = (value * pow10(decimals)).rounded()
        let integer = Int(scaled / pow10(decimals))
        scaled -= Double(integer) * pow10(decimals)
        guard decimals > 0 else { return "\(integer)" }
        let fraction = String(Int(scaled.rounded()))
        return "\(integer)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    private static func pow10(_ n: Int) -> Double {
        (0..<n).reduce(1.0) { value, _ in value * 10 }
    }
}
