/// What a report says about where and how it was made, beside the runs.
public struct ReportContext: Sendable {
    /// The sweep's folder, as the user named it.
    public var folder: String
    /// One line describing the recipe every run shares.
    public var recipe: String
    /// The `mnist-nce sweep` command lines that filled the folder, oldest
    /// first; empty when none was recorded.
    public var commands: [String]
    /// The data folder the runs were trained on, when known.
    public var dataFolder: String?
    /// Name and value pairs: CPU model, cores, ISA and the like.
    public var machine: [(String, String)]
    /// Which machine `machine` describes.
    public var machineNote: String
    /// When the report was made, and when the sweep started (if recorded).
    public var date: String
    public var started: String?
    /// The mnist-nce version that made the report.
    public var version: String
    /// Lines about runs left out or missing figures.
    public var notes: [String]

    public init(
        folder: String, recipe: String, commands: [String], dataFolder: String? = nil, machine: [(String, String)],
        machineNote: String, date: String, started: String?, version: String, notes: [String]
    ) {
        self.folder = folder
        self.recipe = recipe
        self.commands = commands
        self.dataFolder = dataFolder
        self.machine = machine
        self.machineNote = machineNote
        self.date = date
        self.started = started
        self.version = version
        self.notes = notes
    }
}

/// The files a sweep's report consists of, built from its finished runs.
public enum SweepReport {
    /// The files' names in the sweep folder.
    public enum FileName {
        public static let results = "results.csv"
        public static let summary = "summary.md"
        public static let accuracy = "accuracy.svg"
        public static let curves = "curves.svg"
        public static let normalisation = "normalisation.svg"
        public static let html = "report.html"
    }

    /// Every report file's name and contents, in the order above.
    public static func files(records: [RunRecord], context: ReportContext) -> [(name: String, contents: String)] {
        let summaries = ConfigurationSummary.summaries(of: records)
        let subtitle = subtitleLines(records: records, context: context)
        let accuracy = AccuracyPlot.svg(summaries, subtitle: subtitle)
        let curves = CurvesPlot.svg(summaries, subtitle: subtitle)
        let normalisation = NormalisationPlot.svg(summaries, subtitle: subtitle)
        return [
            (FileName.results, ResultsTable.csv(records)),
            (FileName.summary, SummaryTable.markdown(summaries, title: "Sweep summary: \(context.recipe)")),
            (FileName.accuracy, accuracy),
            (FileName.curves, curves),
            (FileName.normalisation, normalisation),
            (FileName.html, HTMLReport.page(
                records: records, summaries: summaries, context: context,
                plots: [
                    ("Test accuracy against num_sampled", accuracy),
                    ("Training curves", curves),
                    ("Normalisation and calibration", normalisation),
                ])),
        ]
    }

    /// The plots' lines under the title: the recipe, then the seeds.
    static func subtitleLines(records: [RunRecord], context: ReportContext) -> [String] {
        let seeds = Set(records.map(\.seed)).sorted()
        let seedText = seeds.count == 1 ? "seed \(seeds[0])" : "seeds " + seeds.map(String.init).joined(separator: ", ")
        let counts = Set(ConfigurationSummary.summaries(of: records).map(\.runs.count))
        let perConfiguration = counts.count == 1 ? "" : " (not every configuration has every seed)"
        let runs = records.count == 1 ? "1 run" : "\(records.count) runs"
        return [context.recipe, "\(runs) over \(seedText)\(perConfiguration)"]
    }
}
