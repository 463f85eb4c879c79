/// summary.md: one row per configuration, each metric as mean ± sd over
/// the seeds.
public enum SummaryTable {
    /// The table's header cells and rows, shared by the Markdown and HTML
    /// forms.
    static func cells(_ summaries: [ConfigurationSummary]) -> (header: [String], rows: [[String]]) {
        let header = [
            "configuration", "n", "test accuracy (%)", "min", "max", "validation accuracy (%)",
            "NLL", "ECE (%)", "log Z mean", "log Z sd", "train s", "images/s",
        ]
        let rows = summaries.map { s in
            [
                s.group.model == "mlp" ? s.group.label : "\(s.group.model.uppercased()) \(s.group.label)",
                String(s.testAccuracy.count),
                Format.meanAndSpread(s.testAccuracy, scale: 100, decimals: 2),
                Format.fixed(s.testAccuracy.minimum * 100, 2),
                Format.fixed(s.testAccuracy.maximum * 100, 2),
                Format.meanAndSpread(s.validationAccuracy, scale: 100, decimals: 2),
                Format.meanAndSpread(s.negativeLogLikelihood, decimals: 4),
                Format.meanAndSpread(s.expectedCalibrationError, scale: 100, decimals: 2),
                Format.meanAndSpread(s.logPartitionMean, decimals: 2),
                Format.meanAndSpread(s.logPartitionStandardDeviation, decimals: 2),
                Format.meanAndSpread(s.trainingSeconds, decimals: 1),
                Format.groupedMeanAndSpread(s.imagesPerSecond),
            ]
        }
        return (header, rows)
    }

    /// The explanation printed under the table.
    static let legend = """
        Mean ± sample standard deviation over the seeds (n of them; a single \
        run shows its value alone). Accuracies and ECE in percent, on the test \
        split unless named; min and max are the test accuracy's. NLL: mean \
        negative log-likelihood of the softmax in nats; ECE: expected \
        calibration error over 15 equal-width bins of the top probability; \
        log Z = log Σ_k exp(logit_k), its mean and standard deviation over the \
        test images; train s: seconds of training steps; images/s: training \
        images per second.
        """

    /// The Markdown text: a heading, the table and its legend.
    public static func markdown(_ summaries: [ConfigurationSummary], title: String) -> String {
        let (header, rows) = cells(summaries)
        var lines = ["# \(title)", "", markdownTable(header: header, rows: rows), "", legend, ""]
        if summaries.isEmpty { lines[2] = "No finished runs." }
        return lines.joined(separator: "\n")
    }

    /// The table alone, numbers right-aligned.
    public static func markdownTable(_ summaries: [ConfigurationSummary]) -> String {
        let (header, rows) = cells(summaries)
        return markdownTable(header: header, rows: rows)
    }

    static func markdownTable(header: [String], rows: [[String]]) -> String {
        let line = { (cells: [String]) in "| " + cells.joined(separator: " | ") + " |" }
        let rule = "| " + header.indices.map { $0 == 0 ? "---" : "---:" }.joined(separator: " | ") + " |"
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}
