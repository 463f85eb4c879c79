/// Every metric of one configuration, summarised over its seeds.
public struct ConfigurationSummary: Sendable, Equatable {
    public let group: RunGroup
    /// The configuration's runs, by seed.
    public let runs: [RunRecord]
    public let seeds: [UInt64]
    public let testAccuracy: SampleSummary
    public let validationAccuracy: SampleSummary?
    public let negativeLogLikelihood: SampleSummary
    public let expectedCalibrationError: SampleSummary
    public let logPartitionMean: SampleSummary
    public let logPartitionStandardDeviation: SampleSummary
    public let trainingSeconds: SampleSummary?
    public let imagesPerSecond: SampleSummary?

    /// - Precondition: `runs` is not empty and all belong to `group`.
    public init(group: RunGroup, runs: [RunRecord]) {
        precondition(!runs.isEmpty && runs.allSatisfy { $0.group == group })
        self.group = group
        self.runs = runs.sorted { $0.seed < $1.seed }
        seeds = self.runs.map(\.seed)
        testAccuracy = SampleSummary(runs.map(\.testAccuracy))!
        validationAccuracy = SampleSummary(runs.compactMap(\.validationAccuracy))
        negativeLogLikelihood = SampleSummary(runs.map(\.negativeLogLikelihood))!
        expectedCalibrationError = SampleSummary(runs.map(\.expectedCalibrationError))!
        logPartitionMean = SampleSummary(runs.map(\.logPartitionMean))!
        logPartitionStandardDeviation = SampleSummary(runs.map(\.logPartitionStandardDeviation))!
        trainingSeconds = SampleSummary(runs.compactMap(\.trainingSeconds))
        imagesPerSecond = SampleSummary(runs.compactMap(\.imagesPerSecond))
    }

    /// One summary per configuration present in `records`, in `RunGroup`
    /// order.
    public static func summaries(of records: [RunRecord]) -> [ConfigurationSummary] {
        Dictionary(grouping: records, by: \.group)
            .sorted { $0.key < $1.key }
            .map { ConfigurationSummary(group: $0.key, runs: $0.value) }
    }

    /// The mean over seeds of the training loss and validation accuracy at
    /// each epoch, from the runs that have that epoch in their metrics.
    public var meanCurve: [EpochPoint] {
        var losses: [Int: [Double]] = [:], accuracies: [Int: [Double]] = [:]
        for run in runs {
            for point in run.curve {
                losses[point.epoch, default: []].append(point.loss)
                if let v = point.validationAccuracy { accuracies[point.epoch, default: []].append(v) }
            }
        }
        return losses.keys.sorted().map { epoch in
            EpochPoint(
                epoch: epoch, loss: SampleSummary(losses[epoch]!)!.mean,
                validationAccuracy: accuracies[epoch].flatMap { SampleSummary($0)?.mean })
        }
    }
}
