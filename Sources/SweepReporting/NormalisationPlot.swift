import Foundation

/// normalisation.svg: how far each configuration's scores are from
/// normalised probabilities, and how well calibrated their softmax is.
///
/// One row per configuration. Left panel: log Z = log Σ_k exp(logit_k) on
/// the test images, its mean over seeds as a filled marker and, as the
/// error bar, ±1 sd of log Z over the images (averaged over seeds); each
/// seed's mean as a hollow marker below; a dashed line at 0, where scores
/// are normalised probabilities. Right panel: ECE in percent, mean ± 1 sd
/// over seeds, and each seed below. The figures are also written right of
/// each panel.
enum NormalisationPlot {
    static let panelWidth = 330.0
    static let rowHeight = 34.0

    static func svg(_ summaries: [ConfigurationSummary], subtitle: [String]) -> String {
        let styles = SeriesStyle.styles(for: summaries.map(\.group))
        let labels = summaries.map(\.group.label)
        let labelWidth = (labels.map { SVGCanvas.textWidth($0, size: 12) }.max() ?? 40) + 14

        var zValues = [0.0]
        var eceValues = [0.0]
        for s in summaries {
            let spread = s.logPartitionStandardDeviation.mean
            zValues += [s.logPartitionMean.mean - spread, s.logPartitionMean.mean + spread]
            zValues += s.runs.map(\.logPartitionMean)
            eceValues += [s.expectedCalibrationError.mean + s.expectedCalibrationError.spread]
            eceValues += s.runs.map(\.expectedCalibrationError)
        }
        let (zLower, zUpper) = PlotScale.linearBounds(zValues, minimumHalfSpan: 0.5)
        let eceUpper = max(0.001, eceValues.max()!) * 1.15

        let titleTop = 26.0
        let top = titleTop + 18 * Double(subtitle.count) + 40
        let height = max(1, Double(summaries.count)) * rowHeight
        let left = 16 + labelWidth
        let zScale = PlotScale(lower: zLower, upper: zUpper, start: left, end: left + panelWidth)
        let zPanel = PlotPanel(
            left: left, top: top, width: panelWidth, height: height, x: zScale,
            y: PlotScale(lower: 0, upper: Double(max(1, summaries.count)), start: top, end: top + height))
        // Each row's figures are written right of each panel, so that values
        // squeezed together by a wide axis (NCE's log Z near 0 beside
        // softmax's far from it) can still be read.
        let zTexts = summaries.map { s in
            Format.fixed(s.logPartitionMean.mean, 2) + " ± " + Format.fixed(s.logPartitionStandardDeviation.mean, 2)
        }
        let eceTexts = summaries.map { Format.meanAndSpread($0.expectedCalibrationError, scale: 100, decimals: 2) }
        let valueWidth = { (texts: [String]) in (texts.map { SVGCanvas.textWidth($0, size: 11) }.max() ?? 0) + 10 }
        let eceLeft = zPanel.right + valueWidth(zTexts) + 34
        let ecePanel = PlotPanel(
            left: eceLeft, top: top, width: panelWidth, height: height,
            x: PlotScale(lower: 0, upper: eceUpper, start: eceLeft, end: eceLeft + panelWidth), y: zPanel.y)

        let legend = [
            LegendEntry("mean over seeds", colour: "#555", marker: (.circle, true, 10)),
            LegendEntry("one seed", colour: "#555", marker: (.circle, false, 7)),
            LegendEntry("log Z: ±1 sd over the test images (mean over seeds)", colour: "#555", errorBar: true,
                        horizontal: true),
            LegendEntry("ECE: ±1 sd over seeds", colour: "#555", errorBar: true, horizontal: true),
            LegendEntry("right of each panel: the mean ± that sd", colour: "#fff"),
        ]
        let legendTop = zPanel.bottom + 56
        let width = max(ecePanel.right + valueWidth(eceTexts) + 16, 16 + Legend.width(legend) + 16)
        var canvas = SVGCanvas(width: width, height: legendTop + Legend.height(legend) + 16)
        canvas.text("Normalisation and calibration", x: 16, y: titleTop, size: 16, weight: "bold", cssClass: "title")
        for (index, line) in subtitle.enumerated() {
            canvas.text(line, x: 16, y: titleTop + 18 * Double(index + 1), size: 12, fill: "#333", cssClass: "subtitle")
        }
        zPanel.drawAxes(
            on: &canvas, xTicks: PlotPanel.linearTicks(zScale, target: 6), yTicks: [], xLabel: "log Z = log Σ exp(logit)",
            yLabel: nil, title: "log partition (0: normalised)")
        ecePanel.drawAxes(
            on: &canvas, xTicks: PlotPanel.linearTicks(ecePanel.x, target: 5, multiplier: 100), yTicks: [],
            xLabel: "ECE (%)", yLabel: nil, title: "expected calibration error")
        let zero = zScale.position(0)
        canvas.line(zero, top, zero, zPanel.bottom, stroke: "#333", width: 1.2, dash: "5 3", cssClass: "zero-line")

        for (row, s) in summaries.enumerated() {
            let style = styles[s.group]!
            let middle = top + rowHeight * (Double(row) + 0.42)
            let seedRow = middle + 10
            if row > 0 {
                for panel in [zPanel, ecePanel] {
                    canvas.line(panel.left, top + rowHeight * Double(row), panel.right, top + rowHeight * Double(row),
                                stroke: "#eee")
                }
            }
            canvas.text(s.group.label, x: left - 10, y: middle + 4, size: 12, anchor: .end, cssClass: "row-label")
            canvas.text(zTexts[row], x: zPanel.right + 8, y: middle + 4, size: 11, fill: "#333", cssClass: "value-label")
            canvas.text(eceTexts[row], x: ecePanel.right + 8, y: middle + 4, size: 11, fill: "#333", cssClass: "value-label")
            canvas.open(group: [("class", "series"), ("id", "row-\(s.group.slug)")])
            let z = s.logPartitionMean.mean, zSpread = s.logPartitionStandardDeviation.mean
            canvas.horizontalErrorBar(
                y: middle, low: zScale.position(z - zSpread), high: zScale.position(z + zSpread), colour: style.colour, cap: 4)
            for run in s.runs {
                canvas.marker(style.marker, x: zScale.position(run.logPartitionMean), y: seedRow, size: 6,
                              colour: style.colour, filled: false, cssClass: "point seed logz")
            }
            canvas.marker(style.marker, x: zScale.position(z), y: middle, size: 10, colour: style.colour, filled: true,
                          cssClass: "point mean logz")
            let ece = s.expectedCalibrationError
            if let sd = ece.standardDeviation {
                canvas.horizontalErrorBar(
                    y: middle, low: ecePanel.x.position(max(0, ece.mean - sd)), high: ecePanel.x.position(ece.mean + sd),
                    colour: style.colour, cap: 4)
            }
            for run in s.runs {
                canvas.marker(style.marker, x: ecePanel.x.position(run.expectedCalibrationError), y: seedRow, size: 6,
                              colour: style.colour, filled: false, cssClass: "point seed ece")
            }
            canvas.marker(style.marker, x: ecePanel.x.position(ece.mean), y: middle, size: 10, colour: style.colour,
                          filled: true, cssClass: "point mean ece")
            canvas.close()
        }
        Legend.draw(legend, x: 16, y: legendTop, on: &canvas)
        return canvas.render(
            title: "Normalisation and calibration",
            description: "Per configuration: the mean and spread of log Z over the test images, and the expected calibration error. "
                + subtitle.joined(separator: " "))
    }
}
