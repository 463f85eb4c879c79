/// report.html: one self-contained page (no scripts, no external files)
/// with the summary, the plots inline, every run, the command and the
/// machine.
enum HTMLReport {
    static func page(
        records: [RunRecord], summaries: [ConfigurationSummary], context: ReportContext,
        plots: [(title: String, svg: String)]
    ) -> String {
        var body: [String] = []
        body.append("<h1>mnist-nce sweep: \(escape(context.folder))</h1>")
        body.append("<p>\(escape(context.recipe)). Report made \(escape(context.date)) by mnist-nce \(escape(context.version))"
            + (context.started.map { "; sweep started \(escape($0))" } ?? "") + ".</p>")
        for note in context.notes { body.append("<p class=\"note\">\(escape(note))</p>") }

        body.append("<h2>Summary</h2>")
        let (header, rows) = SummaryTable.cells(summaries)
        body.append(table(header: header, rows: rows))
        body.append("<p class=\"legend\">\(escape(SummaryTable.legend))</p>")

        for plot in plots {
            body.append("<h2>\(escape(plot.title))</h2>")
            body.append("<figure>\(inline(plot.svg))</figure>")
        }

        body.append("<h2>Runs</h2>")
        let runHeader = [
            "configuration", "seed", "test accuracy (%)", "validation accuracy (%)", "NLL", "ECE (%)", "log Z mean",
            "log Z sd", "epochs", "train s", "images/s", "checkpoint",
        ]
        let runRows = ResultsTable.sorted(records).map { r in
            [
                r.group.label, String(r.seed), Format.fixed(r.testAccuracy * 100, 2),
                r.validationAccuracy.map { Format.fixed($0 * 100, 2) } ?? "–",
                Format.fixed(r.negativeLogLikelihood, 4), Format.fixed(r.expectedCalibrationError * 100, 2),
                Format.fixed(r.logPartitionMean, 3), Format.fixed(r.logPartitionStandardDeviation, 3),
                String(r.epochsTrained), r.trainingSeconds.map { Format.fixed($0, 1) } ?? "–",
                r.imagesPerSecond.map(Format.grouped) ?? "–", r.checkpoint,
            ]
        }
        body.append(table(header: runHeader, rows: runRows))

        body.append("<h2>Command</h2>")
        if context.commands.isEmpty {
            body.append("<p>No sweep command was recorded in this folder.</p>")
        } else {
            body.append("<pre>\(context.commands.map(escape).joined(separator: "\n"))</pre>")
        }
        if let data = context.dataFolder { body.append("<p>Data: \(escape(data)).</p>") }
        body.append("<h2>Machine</h2>")
        body.append("<p>\(escape(context.machineNote))</p>")
        body.append(table(header: ["", ""], rows: context.machine.map { [$0.0, $0.1] }, headless: true))

        body.append("<h2>What the figures mean</h2>")
        body.append("""
            <dl>
            <dt>NLL</dt><dd>Mean over the test images of −log softmax(embed·Wᵀ+b)[label], in nats: how much \
            probability the model gives the right class.</dd>
            <dt>ECE</dt><dd>Expected calibration error: the test images binned by their top softmax probability \
            (15 equal-width bins); Σ over bins of (images in bin / all images) · |accuracy − mean confidence|.</dd>
            <dt>log Z</dt><dd>log Σ_k exp(logit_k) per image; its mean and standard deviation over the test \
            images. Scores that are already normalised log-probabilities have log Z = 0; NCE's objective pushes \
            towards that, softmax's is unchanged by adding a constant to every logit.</dd>
            </dl>
            """)

        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>mnist-nce sweep: \(escape(context.folder))</title>
            <style>
            body { font-family: \(SVGCanvas.fontFamily); max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #111; }
            table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 3px 8px; }
            td { text-align: right; } td:first-child { text-align: left; }
            th { background: #f2f2f2; }
            pre { background: #f6f6f6; padding: 0.7em; overflow-x: auto; white-space: pre-wrap; }
            figure { margin: 0.5em 0 1.5em; } figure svg { max-width: 100%; height: auto; }
            .note { color: #8a3b00; } .legend { font-size: 13px; color: #333; }
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    /// The SVG document as an element to put inside HTML: without its XML
    /// declaration.
    static func inline(_ svg: String) -> String {
        svg.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("<?xml") }.joined(separator: "\n")
    }

    static func table(header: [String], rows: [[String]], headless: Bool = false) -> String {
        var lines = ["<table>"]
        if !headless { lines.append("<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>") }
        for row in rows { lines.append("<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>") }
        lines.append("</table>")
        return lines.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String { SVGCanvas.escape(text) }
}
