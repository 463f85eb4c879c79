import Foundation

/// An SVG document built element by element: the project draws its own
/// plots, as no plotting library exists for Swift on Linux.
///
/// Coordinates are in pixels from the top left. Every drawn element can
/// carry a `class` so that tests (and readers of the file) can find the
/// series and points in it.
struct SVGCanvas {
    static let fontFamily = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"
    /// The width of an average character as a fraction of the font size,
    /// for laying out text without measuring it (DejaVu Sans' digits and
    /// lower case are about 0.6 em wide; this errs on the wide side).
    static let characterWidth = 0.62

    let width: Double
    let height: Double
    private var elements: [String] = []
    /// Open `<g>` groups, so `close` can check nesting.
    private var depth = 0

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The estimated width of `text` at `size`.
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * characterWidth
    }

    mutating func open(group attributes: [(String, String)]) {
        elements.append("<g\(Self.attributes(attributes))>")
        depth += 1
    }

    mutating func close() {
        precondition(depth > 0)
        depth -= 1
        elements.append("</g>")
    }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#000", width: Double = 1,
        dash: String? = nil, cssClass: String? = nil
    ) {
        var a = [("x1", n(x1)), ("y1", n(y1)), ("x2", n(x2)), ("y2", n(y2)), ("stroke", stroke), ("stroke-width", n(width))]
        if let dash, !dash.isEmpty { a.append(("stroke-dasharray", dash)) }
        if let cssClass { a.append(("class", cssClass)) }
        elements.append("<line\(Self.attributes(a))/>")
    }

    mutating func polyline(
        _ points: [(Double, Double)], stroke: String, width: Double, dash: String? = nil, cssClass: String? = nil
    ) {
        guard points.count > 1 else { return }
        var a = [
            ("points", points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")), ("fill", "none"),
            ("stroke", stroke), ("stroke-width", n(width)), ("stroke-linejoin", "round"),
        ]
        if let dash, !dash.isEmpty { a.append(("stroke-dasharray", dash)) }
        if let cssClass { a.append(("class", cssClass)) }
        elements.append("<polyline\(Self.attributes(a))/>")
    }

    mutating func rect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil,
        strokeWidth: Double = 1, dash: String? = nil, opacity: Double? = nil, cssClass: String? = nil
    ) {
        var a = [("x", n(x)), ("y", n(y)), ("width", n(max(0, w))), ("height", n(max(0, h))), ("fill", fill)]
        if let opacity { a.append(("fill-opacity", n(opacity))) }
        if let stroke { a += [("stroke", stroke), ("stroke-width", n(strokeWidth))] }
        if let dash { a.append(("stroke-dasharray", dash)) }
        if let cssClass { a.append(("class", cssClass)) }
        elements.append("<rect\(Self.attributes(a))/>")
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(
        _ string: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
        weight: String? = nil, fill: String = "#000", rotate: Double? = nil, cssClass: String? = nil
    ) {
        var a = [("x", n(x)), ("y", n(y)), ("font-size", n(size)), ("text-anchor", anchor.rawValue), ("fill", fill)]
        if let weight { a.append(("font-weight", weight)) }
        if let rotate { a.append(("transform", "rotate(\(n(rotate)) \(n(x)) \(n(y)))")) }
        if let cssClass { a.append(("class", cssClass)) }
        elements.append("<text\(Self.attributes(a))>\(Self.escape(string))</text>")
    }

    /// A marker of `shape` centred on (x, y), `size` across: filled in
    /// `colour`, or hollow (white inside, outlined in `colour`).
    mutating func marker(
        _ shape: MarkerShape, x: Double, y: Double, size: Double, colour: String, filled: Bool, cssClass: String
    ) {
        let fill = filled ? colour : "#fff"
        let stroke = filled ? "#fff" : colour
        let strokeWidth = filled ? 0.8 : 1.4
        let r = size / 2
        var a: [(String, String)]
        switch shape {
        case .circle:
            a = [("cx", n(x)), ("cy", n(y)), ("r", n(r))]
            a += [("fill", fill), ("stroke", stroke), ("stroke-width", n(strokeWidth)), ("class", cssClass)]
            elements.append("<circle\(Self.attributes(a))/>")
            return
        default:
            let points = shape.outline.map { (x + $0.0 * r, y + $0.1 * r) }
            let d = "M" + points.map { "\(n($0.0)) \(n($0.1))" }.joined(separator: " L") + " Z"
            a = [("d", d), ("fill", fill), ("stroke", stroke), ("stroke-width", n(strokeWidth)), ("class", cssClass)]
            elements.append("<path\(Self.attributes(a))/>")
        }
    }

    /// A vertical error bar from `low` to `high` at `x`, with caps.
    mutating func verticalErrorBar(x: Double, low: Double, high: Double, colour: String, cap: Double = 5) {
        line(x, low, x, high, stroke: colour, width: 1.5, cssClass: "error-bar")
        line(x - cap, low, x + cap, low, stroke: colour, width: 1.5)
        line(x - cap, high, x + cap, high, stroke: colour, width: 1.5)
    }

    /// A horizontal error bar from `low` to `high` at `y`, with caps.
    mutating func horizontalErrorBar(y: Double, low: Double, high: Double, colour: String, cap: Double = 5) {
        line(low, y, high, y, stroke: colour, width: 1.5, cssClass: "error-bar")
        line(low, y - cap, low, y + cap, stroke: colour, width: 1.5)
        line(high, y - cap, high, y + cap, stroke: colour, width: 1.5)
    }

    /// The whole document, with a `<title>` and `<desc>` for readers and
    /// screen readers.
    func render(title: String, description: String) -> String {
        precondition(depth == 0)
        let header = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
            viewBox="0 0 \(n(width)) \(n(height))" font-family="\(Self.fontFamily)">
            <title>\(Self.escape(title))</title>
            <desc>\(Self.escape(description))</desc>
            <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="#fff"/>
            """
        return ([header] + elements + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    /// `text` with the five XML special characters escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// A coordinate with at most two decimals and no trailing zeros.
    private func n(_ value: Double) -> String { Self.number(value) }

    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = Format.fixed(rounded, 2)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}

/// The shapes that tell series apart when colour does not (greyscale
/// print, colour blindness).
enum MarkerShape: CaseIterable {
    case circle, square, triangle, diamond, invertedTriangle, pentagon, hexagon, cross

    /// Vertices on a unit radius, clockwise from the top (y grows down).
    var outline: [(Double, Double)] {
        switch self {
        case .circle: return []
        case .square: return [(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)]
        case .triangle: return [(0, -1.15), (1.05, 0.75), (-1.05, 0.75)]
        case .invertedTriangle: return [(0, 1.15), (-1.05, -0.75), (1.05, -0.75)]
        case .diamond: return [(0, -1.2), (1, 0), (0, 1.2), (-1, 0)]
        case .pentagon: return Self.regular(5)
        case .hexagon: return Self.regular(6)
        case .cross:
            let a = 0.35, b = 1.0
            return [(-a, -b), (a, -b), (a, -a), (b, -a), (b, a), (a, a), (a, b), (-a, b), (-a, a), (-b, a), (-b, -a), (-a, -a)]
        }
    }

    private static func regular(_ sides: Int) -> [(Double, Double)] {
        (0..<sides).map { k in
            let angle = -Double.pi / 2 + 2 * Double.pi * Double(k) / Double(sides)
            return (1.1 * cos(angle), 1.1 * sin(angle))
        }
    }
}
