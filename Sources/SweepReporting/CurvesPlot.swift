import Foundation

/// curves.svg: validation accuracy (top panel) and training loss (bottom
/// panel, logarithmic) per epoch, one line per configuration, each point
/// the mean over that configuration's seeds.
///
/// The accuracy axis is spaced by the logarithm of the error (100 − accuracy)
/// when the errors span a factor of two or more: the first epochs' errors are
/// several times the last ones', and on a linear axis the converged epochs,
/// where the configurations differ by tenths of a point, would be squeezed
/// into a sliver at the top. The ticks are still labelled in accuracy.
enum CurvesPlot {
    static let plotWidth = 520.0
    static let panelHeight = 230.0

    static func svg(_ summaries: [ConfigurationSummary], subtitle: [String]) -> String {
        let styles = SeriesStyle.styles(for: summaries.map(\.group))
        let curves = summaries.map { ($0.group, $0.meanCurve) }.filter { !$0.1.isEmpty }
        let lastEpoch = curves.flatMap { $0.1.map(\.epoch) }.max() ?? 1
        let accuracies = curves.flatMap { $0.1.compactMap(\.validationAccuracy) }
        let losses = curves.flatMap { $0.1.map(\.loss) }.filter { $0 > 0 && $0.isFinite }

        let titleTop = 26.0
        let top = titleTop + 18 * Double(subtitle.count) + 40
        let errors = accuracies.map { 1 - $0 }
        let logarithmicError = (errors.min() ?? 0) > 0 && (errors.max() ?? 0) >= 2 * (errors.min() ?? 0)
        let accuracyScale: PlotScale
        let accuracyTicks: [(Double, String)]
        // The value drawn for an accuracy: the error on a logarithmic axis,
        // else the accuracy itself.
        let plotted: (Double) -> Double
        if logarithmicError {
            let (low, high) = (errors.min()! / 1.15, min(1, errors.max()! * 1.15))
            accuracyScale = PlotScale(lower: low, upper: high, start: top, end: top + panelHeight, logarithmic: true)
            accuracyTicks = Self.errorTicks(lower: low, upper: high)
            plotted = { 1 - $0 }
        } else {
            let (aLower, aUpper) = PlotScale.linearBounds(accuracies, minimumHalfSpan: 0.001)
            accuracyScale = PlotScale(lower: aLower, upper: aUpper, start: top + panelHeight, end: top)
            accuracyTicks = PlotPanel.linearTicks(accuracyScale, target: 6, multiplier: 100)
            plotted = { $0 }
        }
        let lossTop = top + panelHeight + 64
        let (lLower, lUpper) = losses.isEmpty
            ? (0.01, 1.0) : (losses.min()! / 1.25, losses.max()! * 1.25)
        let lossScale = PlotScale(lower: lLower, upper: lUpper, start: lossTop + panelHeight, end: lossTop, logarithmic: true)
        let lossTicks = PlotScale.logarithmicTicks(lower: lLower, upper: lUpper, maximum: 8)
            .map { ($0, PlotScale.logarithmicLabel($0)) }
        let left = 16 + PlotPanel.leftMargin(forTickLabels: (accuracyTicks + lossTicks).map(\.1))
        let epochScale = PlotScale(lower: 0.5, upper: Double(lastEpoch) + 0.5, start: left, end: left + plotWidth)
        let (epochValues, _) = PlotScale.linearTicks(lower: 1, upper: Double(lastEpoch), target: min(10, lastEpoch))
        let epochTicks = epochValues.filter { $0 == $0.rounded() }.map { ($0, String(Int($0))) }

        let accuracyPanel = PlotPanel(
            left: left, top: top, width: plotWidth, height: panelHeight, x: epochScale,
            y: accuracyScale)
        let lossPanel = PlotPanel(
            left: left, top: lossTop, width: plotWidth, height: panelHeight, x: epochScale, y: lossScale)

        let legend = curves.map { group, _ in
            let style = styles[group]!
            return LegendEntry(
                group.label, colour: style.colour, line: (style.lineWidth, style.dash), marker: (style.marker, true, 7))
        }
        let legendLeft = left + plotWidth + 24
        let width = legendLeft + Legend.width(legend) + 16
        let height = max(lossPanel.bottom + 58, top + Legend.height(legend) + 16)
        var canvas = SVGCanvas(width: width, height: height)
        canvas.text("Training curves, mean over seeds", x: 16, y: titleTop, size: 16, weight: "bold", cssClass: "title")
        for (index, line) in subtitle.enumerated() {
            canvas.text(line, x: 16, y: titleTop + 18 * Double(index + 1), size: 12, fill: "#333", cssClass: "subtitle")
        }
        accuracyPanel.drawAxes(
            on: &canvas, xTicks: epochTicks, yTicks: accuracyTicks, xLabel: nil,
            yLabel: "accuracy (%)",
            title: accuracies.isEmpty ? "Validation accuracy (no validation split)"
                : logarithmicError ? "Validation accuracy (axis spaced by the log of the error)" : "Validation accuracy")
        lossPanel.drawAxes(
            on: &canvas, xTicks: epochTicks, yTicks: lossTicks, xLabel: "epoch", yLabel: "loss (log scale)",
            title: "Training loss (each loss on its own scale)")
        if curves.isEmpty {
            canvas.text("no metrics files: nothing to draw", x: left + plotWidth / 2, y: top + panelHeight / 2,
                        size: 13, anchor: .middle, fill: "#666")
        }

        // Markers on at most about 20 epochs, so long runs stay legible.
        let stride = max(1, Int((Double(lastEpoch) / 20).rounded(.up)))
        for (group, curve) in curves {
            let style = styles[group]!
            canvas.open(group: [("class", "series"), ("id", "curve-\(group.slug)")])
            let validation = curve.compactMap { p in
                p.validationAccuracy.map { (accuracyPanel.x.position(Double(p.epoch)), accuracyPanel.y.position(plotted($0))) }
            }
            let loss = curve.filter { $0.loss > 0 && $0.loss.isFinite }.map {
                (lossPanel.x.position(Double($0.epoch)), lossPanel.y.position($0.loss))
            }
            canvas.polyline(validation, stroke: style.colour, width: style.lineWidth, dash: style.dash, cssClass: "validation")
            canvas.polyline(loss, stroke: style.colour, width: style.lineWidth, dash: style.dash, cssClass: "loss")
            for (index, point) in validation.enumerated() where index % stride == 0 || index == validation.count - 1 {
                canvas.marker(style.marker, x: point.0, y: point.1, size: 7, colour: style.colour, filled: true,
                              cssClass: "point validation")
            }
            for (index, point) in loss.enumerated() where index % stride == 0 || index == loss.count - 1 {
                canvas.marker(style.marker, x: point.0, y: point.1, size: 7, colour: style.colour, filled: true,
                              cssClass: "point loss")
            }
            canvas.close()
        }
        Legend.draw(legend, x: legendLeft, y: top, on: &canvas)
        return canvas.render(
            title: "Training curves, mean over seeds",
            description: "Validation accuracy and training loss per epoch for each configuration. "
                + subtitle.joined(separator: " "))
    }

    /// Ticks of the log-error accuracy axis between the errors `lower` and
    /// `upper` (fractions): errors of 1, 1.5, 2, 3, 4, 5, 6 and 8 times a
    /// power of ten, thinned to 1, 2 and 5 when there are more than eight,
    /// each labelled with its accuracy in percent.
    static func errorTicks(lower: Double, upper: Double) -> [(Double, String)] {
        var errors: [Double] = []
        for exponent in Int(floor(log10(lower)))...Int(ceil(log10(upper))) {
            for m in [1.0, 1.5, 2, 3, 4, 5, 6, 8] {
                let e = m * pow(10, Double(exponent))
                if e >= lower * (1 - 1e-9) && e <= upper * (1 + 1e-9) { errors.append(e) }
            }
        }
        if errors.count > 8 {
            errors = errors.filter { e in
                let m = e / pow(10, floor(log10(e) + 1e-9))
                return [1, 2, 5].contains { abs(m - $0) < 1e-6 }
            }
        }
        return errors.map { e in
            // Enough decimals to tell 98.5 from 98, and 99.85 from 99.8.
            let percent = 100 * e
            let decimals = max(0, Int(ceil(-log10(percent) + 1e-9)) + (percent.rounded() == percent ? 0 : 1))
            return (e, Format.fixed(100 - percent, min(4, decimals)))
        }
    }
}
