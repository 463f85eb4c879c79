/// A rectangle of a plot with its two scales: draws the frame, grid,
/// ticks, tick labels, axis labels and title around it.
struct PlotPanel {
    /// The plotting area, in pixels.
    let left: Double
    let top: Double
    let width: Double
    let height: Double
    let x: PlotScale
    let y: PlotScale

    var right: Double { left + width }
    var bottom: Double { top + height }

    static let tickSize = 12.0
    static let labelSize = 13.0

    /// Draws the frame and everything on its edges.
    ///
    /// Tick labels that would touch their neighbour are left out (the tick
    /// stays), so text never overlaps; the y axis label sits left of the
    /// widest y tick label.
    func drawAxes(
        on canvas: inout SVGCanvas, xTicks: [(Double, String)], yTicks: [(Double, String)],
        xLabel: String?, yLabel: String?, title: String?, xGrid: Bool = true
    ) {
        canvas.open(group: [("class", "axes")])
        for (value, _) in yTicks where y.contains(value) {
            let p = y.position(value)
            canvas.line(left, p, right, p, stroke: "#e3e3e3", width: 1)
        }
        if xGrid {
            for (value, _) in xTicks where x.contains(value) {
                let p = x.position(value)
                canvas.line(p, top, p, bottom, stroke: "#e3e3e3", width: 1)
            }
        }
        canvas.rect(left, top, width, height, fill: "none", stroke: "#444", strokeWidth: 1)

        var lastRight = -Double.infinity
        for (value, label) in xTicks where x.contains(value) {
            let p = x.position(value)
            canvas.line(p, bottom, p, bottom + 5, stroke: "#444")
            let half = SVGCanvas.textWidth(label, size: Self.tickSize) / 2
            guard p - half >= lastRight + 4 else { continue }
            canvas.text(label, x: p, y: bottom + 19, size: Self.tickSize, anchor: .middle, cssClass: "tick-label")
            lastRight = p + half
        }
        var lastTop = Double.infinity
        var widest = 0.0
        for (value, label) in yTicks.sorted(by: { y.position($0.0) > y.position($1.0) }) where y.contains(value) {
            let p = y.position(value)
            canvas.line(left - 5, p, left, p, stroke: "#444")
            guard p + Self.tickSize / 2 <= lastTop - 3 else { continue }
            canvas.text(label, x: left - 8, y: p + 4, size: Self.tickSize, anchor: .end, cssClass: "tick-label")
            lastTop = p - Self.tickSize / 2
            widest = max(widest, SVGCanvas.textWidth(label, size: Self.tickSize))
        }
        if let xLabel {
            canvas.text(xLabel, x: left + width / 2, y: bottom + 40, size: Self.labelSize, anchor: .middle, cssClass: "axis-label")
        }
        if let yLabel {
            let position = left - widest - 22
            canvas.text(
                yLabel, x: position, y: top + height / 2, size: Self.labelSize, anchor: .middle, rotate: -90,
                cssClass: "axis-label")
        }
        if let title {
            canvas.text(title, x: left, y: top - 10, size: 13, weight: "bold", cssClass: "panel-title")
        }
        canvas.close()
    }

    /// Linear ticks labelled with as many decimals as their step needs,
    /// after multiplying by `scale` (100 for percentages).
    static func linearTicks(_ scale: PlotScale, target: Int, multiplier: Double = 1) -> [(Double, String)] {
        let (ticks, step) = PlotScale.linearTicks(
            lower: scale.lower * multiplier, upper: scale.upper * multiplier, target: target)
        let decimals = PlotScale.decimals(forStep: step)
        return ticks.map { ($0 / multiplier, Format.fixed($0, decimals)) }
    }

    /// The space, left of a panel, that y tick labels and the rotated y
    /// axis label take.
    static func leftMargin(forTickLabels labels: [String]) -> Double {
        (labels.map { SVGCanvas.textWidth($0, size: tickSize) }.max() ?? 0) + 8 + 14 + labelSize
    }
}

/// One line of a legend: a glyph (any of a line, a band, an error bar and
/// a marker) and its text.
struct LegendEntry {
    var label: String
    var colour: String
    var line: (width: Double, dash: String)?
    var band = false
    var errorBar = false
    /// Draw the error bar across rather than upright.
    var horizontal = false
    var marker: (shape: MarkerShape, filled: Bool, size: Double)?

    init(
        _ label: String, colour: String, line: (width: Double, dash: String)? = nil, band: Bool = false,
        errorBar: Bool = false, horizontal: Bool = false, marker: (shape: MarkerShape, filled: Bool, size: Double)? = nil
    ) {
        self.label = label
        self.colour = colour
        self.line = line
        self.band = band
        self.errorBar = errorBar
        self.horizontal = horizontal
        self.marker = marker
    }
}

/// A boxed list of legend entries, one per row.
enum Legend {
    static let rowHeight = 21.0
    static let glyphWidth = 38.0
    static let textSize = 12.0

    static func width(_ entries: [LegendEntry]) -> Double {
        glyphWidth + 18 + (entries.map { SVGCanvas.textWidth($0.label, size: textSize) }.max() ?? 0)
    }

    static func height(_ entries: [LegendEntry]) -> Double {
        Double(entries.count) * rowHeight + 10
    }

    /// Draws the legend with its top left corner at (x, y).
    static func draw(_ entries: [LegendEntry], x: Double, y: Double, on canvas: inout SVGCanvas) {
        guard !entries.isEmpty else { return }
        canvas.open(group: [("class", "legend")])
        canvas.rect(x, y, width(entries), height(entries), fill: "#fff", stroke: "#bbb")
        for (index, entry) in entries.enumerated() {
            let middle = y + 5 + rowHeight * (Double(index) + 0.5)
            let (g0, g1) = (x + 8, x + 8 + glyphWidth)
            if entry.band {
                canvas.rect(g0, middle - 6, glyphWidth, 12, fill: entry.colour, stroke: entry.colour, strokeWidth: 0.8,
                            dash: "3 2", opacity: 0.18)
            }
            if let line = entry.line {
                canvas.line(g0, middle, g1, middle, stroke: entry.colour, width: line.width, dash: line.dash)
            }
            if entry.errorBar && entry.horizontal {
                canvas.horizontalErrorBar(y: middle, low: g0 + 6, high: g1 - 6, colour: entry.colour, cap: 4)
            } else if entry.errorBar {
                canvas.verticalErrorBar(x: (g0 + g1) / 2, low: middle - 7, high: middle + 7, colour: entry.colour, cap: 4)
            }
            if let marker = entry.marker {
                canvas.marker(
                    marker.shape, x: (g0 + g1) / 2, y: middle, size: marker.size, colour: entry.colour,
                    filled: marker.filled, cssClass: "legend-marker")
            }
            canvas.text(entry.label, x: g1 + 10, y: middle + 4, size: textSize, cssClass: "legend-label")
        }
        canvas.close()
    }
}
