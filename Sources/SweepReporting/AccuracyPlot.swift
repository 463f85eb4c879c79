import Foundation

/// accuracy.svg: test accuracy against num_sampled.
///
/// Each sampled loss (NCE, sampled softmax) is a series: at each
/// num_sampled, its mean over seeds as a filled marker with a ±1 sd
/// error bar, and every seed's own accuracy as a small hollow marker just
/// right of it; the means are joined by the series' line. Softmax, which
/// has no num_sampled, is a horizontal line at its mean with a band of
/// ±1 sd. The x axis is logarithmic, ticked at the values run.
enum AccuracyPlot {
    static let plotWidth = 520.0
    static let plotHeight = 340.0

    /// - Parameter subtitle: one or more lines under the title (the recipe
    ///   and the seeds).
    static func svg(_ summaries: [ConfigurationSummary], subtitle: [String]) -> String {
        let styles = SeriesStyle.styles(for: summaries.map(\.group))
        let sampled = summaries.filter { !$0.group.isSoftmax }
        let references = summaries.filter(\.group.isSoftmax)
        // One series per model and sampled loss, in group order.
        var seriesKeys: [String] = []
        for s in sampled where !seriesKeys.contains(seriesKey(s.group)) { seriesKeys.append(seriesKey(s.group)) }
        let series = seriesKeys.map { key in sampled.filter { seriesKey($0.group) == key } }

        let xs = Set(sampled.compactMap(\.group.numSampled)).sorted()
        let (xLower, xUpper) = xs.isEmpty
            ? (0.7, 14.0) : (Double(xs.first!) / 1.45, Double(xs.last!) * 1.45)
        var yValues: [Double] = []
        for s in summaries {
            yValues += s.runs.map(\.testAccuracy)
            yValues += [s.testAccuracy.mean - s.testAccuracy.spread, s.testAccuracy.mean + s.testAccuracy.spread]
        }
        let (yLower, yUpper) = PlotScale.linearBounds(yValues, minimumHalfSpan: 0.001)

        let titleLines = 1 + subtitle.count
        let top = 22.0 + 17 * Double(titleLines) + 14
        let probe = PlotScale(lower: yLower, upper: yUpper, start: top + plotHeight, end: top)
        let yTicks = PlotPanel.linearTicks(probe, target: 7, multiplier: 100)
        let left = 16 + PlotPanel.leftMargin(forTickLabels: yTicks.map(\.1))
        let panel = PlotPanel(
            left: left, top: top, width: plotWidth, height: plotHeight,
            x: PlotScale(lower: xLower, upper: xUpper, start: left, end: left + plotWidth, logarithmic: true),
            y: probe.moved(start: top + plotHeight, end: top))

        var legend: [LegendEntry] = []
        for members in series {
            let first = members[0].group
            let style = styles[first]!
            let name = members.count > 1 || sampled.count > 1 ? first.lossName : first.label
            let prefix = multipleModels(summaries) ? "\(first.model.uppercased()) \(name)" : name
            legend.append(LegendEntry(
                "\(prefix): mean ± 1 sd", colour: style.colour, line: (style.lineWidth, style.dash), errorBar: true,
                marker: (style.marker, true, 10)))
            legend.append(LegendEntry("\(prefix): each seed", colour: style.colour, marker: (style.marker, false, 7)))
        }
        for reference in references {
            let style = styles[reference.group]!
            let name = multipleModels(summaries) ? "\(reference.group.model.uppercased()) softmax" : "softmax"
            let oneSeed = reference.testAccuracy.standardDeviation == nil
            legend.append(LegendEntry(
                oneSeed ? "\(name) (one seed)" : "\(name): mean (line) ± 1 sd (band)", colour: style.colour,
                line: (style.lineWidth, ""), band: !oneSeed))
        }
        let legendLeft = panel.right + 24
        let width = legendLeft + Legend.width(legend) + 16
        let height = max(panel.bottom + 58, top + Legend.height(legend) + 20)
        var canvas = SVGCanvas(width: width, height: height)

        canvas.text("Test accuracy against num_sampled", x: 16, y: 26, size: 16, weight: "bold", cssClass: "title")
        for (index, line) in subtitle.enumerated() {
            canvas.text(line, x: 16, y: 26 + 18 * Double(index + 1), size: 12, fill: "#333", cssClass: "subtitle")
        }
        panel.drawAxes(
            on: &canvas, xTicks: xs.map { (Double($0), String($0)) }, yTicks: yTicks,
            xLabel: xs.isEmpty ? "num_sampled (no sampled-loss runs)" : "num_sampled (negatives per step; log scale)",
            yLabel: "test accuracy (%)", title: nil)

        for reference in references {
            let style = styles[reference.group]!
            let mean = reference.testAccuracy.mean, sd = reference.testAccuracy.spread
            canvas.open(group: [("class", "series reference"), ("id", "series-\(reference.group.slug)")])
            if sd > 0 {
                let high = panel.y.position(mean + sd), low = panel.y.position(mean - sd)
                canvas.rect(panel.left, high, panel.width, low - high, fill: style.colour, stroke: style.colour,
                            strokeWidth: 0.8, dash: "3 2", opacity: 0.12, cssClass: "band")
            }
            let p = panel.y.position(mean)
            canvas.line(panel.left, p, panel.right, p, stroke: style.colour, width: style.lineWidth, cssClass: "mean-line")
            canvas.close()
        }

        let dodge = 16.0
        for (index, members) in series.enumerated() {
            let offset = (Double(index) - Double(series.count - 1) / 2) * dodge
            let style = styles[members[0].group]!
            canvas.open(group: [("class", "series"), ("id", "series-\(seriesKey(members[0].group))")])
            let means = members.map { s in
                (panel.x.position(Double(s.group.numSampled!)) + offset, panel.y.position(s.testAccuracy.mean))
            }
            canvas.polyline(means, stroke: style.colour, width: style.lineWidth, dash: style.dash, cssClass: "mean-line")
            for (s, point) in zip(members, means) {
                for run in s.runs {
                    canvas.marker(
                        style.marker, x: point.0 + 11, y: panel.y.position(run.testAccuracy), size: 7,
                        colour: style.colour, filled: false, cssClass: "point seed")
                }
                if let sd = s.testAccuracy.standardDeviation {
                    canvas.verticalErrorBar(
                        x: point.0, low: panel.y.position(s.testAccuracy.mean - sd),
                        high: panel.y.position(s.testAccuracy.mean + sd), colour: style.colour)
                }
                canvas.marker(style.marker, x: point.0, y: point.1, size: 10, colour: style.colour, filled: true,
                              cssClass: "point mean")
            }
            canvas.close()
        }
        Legend.draw(legend, x: legendLeft, y: top, on: &canvas)
        return canvas.render(
            title: "Test accuracy against num_sampled",
            description: "Mean ± 1 sd over seeds per configuration, each seed's accuracy, softmax as a line with a ±1 sd band. "
                + subtitle.joined(separator: " "))
    }

    static func seriesKey(_ group: RunGroup) -> String { "\(group.model)-\(group.loss)" }

    static func multipleModels(_ summaries: [ConfigurationSummary]) -> Bool {
        Set(summaries.map(\.group.model)).count > 1
    }
}

extension PlotScale {
    /// The same domain over other pixels.
    func moved(start: Double, end: Double) -> PlotScale {
        PlotScale(lower: lower, upper: upper, start: start, end: end, logarithmic: logarithmic)
    }
}
