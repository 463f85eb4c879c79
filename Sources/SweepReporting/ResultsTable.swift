/// results.csv: one row per run, in configuration then seed order.
///
/// Accuracies are fractions; the softmax figures keep every digit of
/// their Double value (the shortest text that reads back as the same
/// number), so a row can be checked against `mnist-nce eval --json`.
/// Columns without a value (num_sampled for softmax, timings without a
/// metrics file) are empty.
public enum ResultsTable {
    public static let columns = [
        "model", "loss", "num_sampled", "seed", "test_accuracy", "validation_accuracy", "nll", "ece",
        "log_partition_mean", "log_partition_sd", "train_s", "images_per_s", "epochs", "checkpoint", "metrics",
    ]

    /// The CSV text, header first, lines ended by "\n".
    public static func csv(_ records: [RunRecord]) -> String {
        var lines = [columns.joined(separator: ",")]
        for r in sorted(records) {
            let cells: [String] = [
                r.group.model, r.group.loss, r.group.numSampled.map(String.init) ?? "", String(r.seed),
                "\(r.testAccuracy)", r.validationAccuracy.map { "\($0)" } ?? "",
                "\(r.negativeLogLikelihood)", "\(r.expectedCalibrationError)",
                "\(r.logPartitionMean)", "\(r.logPartitionStandardDeviation)",
                r.trainingSeconds.map { Format.fixed($0, 2) } ?? "",
                r.imagesPerSecond.map { Format.fixed($0, 1) } ?? "",
                String(r.epochsTrained), r.checkpoint, r.metrics ?? "",
            ]
            lines.append(cells.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Records in configuration, then seed order.
    public static func sorted(_ records: [RunRecord]) -> [RunRecord] {
        records.sorted { $0.group != $1.group ? $0.group < $1.group : $0.seed < $1.seed }
    }

    /// A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a
    /// line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
