/// Mean, standard deviation, minimum and maximum of a few values (a
/// metric over the seeds of one configuration).
public struct SampleSummary: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    /// The sample standard deviation, √(Σ(x − mean)² / (n − 1)): the
    /// seeds are a sample of the seeds one could run. Nil for one value.
    public let standardDeviation: Double?
    public let minimum: Double
    public let maximum: Double

    /// Nil when `values` is empty.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        count = values.count
        // Two passes: the deviations are taken from the final mean, which
        // keeps the sum of squares accurate for values close together.
        let mean = values.reduce(0, +) / Double(values.count)
        self.mean = mean
        if values.count > 1 {
            let squares = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
            standardDeviation = (squares / Double(values.count - 1)).squareRoot()
        } else {
            standardDeviation = nil
        }
        minimum = values.min()!
        maximum = values.max()!
    }

    /// The standard deviation, or 0 for a single value (for drawing).
    public var spread: Double { standardDeviation ?? 0 }
}
