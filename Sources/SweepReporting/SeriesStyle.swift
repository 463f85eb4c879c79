/// How one configuration is drawn, the same in every plot: a colour, a
/// marker shape and a dash pattern, so that series stay apart in
/// greyscale.
///
/// NCE configurations take colours along viridis (dark purple to green,
/// lightness rising with num_sampled, so the order survives greyscale),
/// solid lines and the marker shapes in turn; sampled softmax takes
/// browns to oranges, dashed lines and the shapes from the other end;
/// softmax is black, thick and solid, with a square marker.
struct SeriesStyle: Equatable {
    let colour: String
    let marker: MarkerShape
    /// SVG `stroke-dasharray`; empty for a solid line.
    let dash: String
    let lineWidth: Double

    /// The styles of `groups`, in their order.
    static func styles(for groups: [RunGroup]) -> [RunGroup: SeriesStyle] {
        var styles: [RunGroup: SeriesStyle] = [:]
        let shapes = MarkerShape.allCases.filter { $0 != .square }
        let dashes = ["", "7 3", "2 2.5", "9 3 2 3", "4 4"]
        for loss in ["nce", "sampled-softmax"] {
            let members = groups.filter { $0.loss == loss }
            for (index, group) in members.enumerated() {
                let t = members.count > 1 ? Double(index) / Double(members.count - 1) : 0.5
                if loss == "nce" {
                    styles[group] = SeriesStyle(
                        colour: Colour.viridis(0.02 + 0.74 * t), marker: shapes[index % shapes.count],
                        dash: dashes[index % dashes.count], lineWidth: 2)
                } else {
                    styles[group] = SeriesStyle(
                        colour: Colour.oranges(t), marker: shapes.reversed()[index % shapes.count],
                        dash: index % 2 == 0 ? "6 2 1.5 2" : "3 2", lineWidth: 1.8)
                }
            }
        }
        for group in groups where styles[group] == nil {
            styles[group] = SeriesStyle(colour: "#000000", marker: .square, dash: "", lineWidth: 2.6)
        }
        return styles
    }
}

/// Colour ramps, interpolated in RGB between published stops.
enum Colour {
    /// Viridis at 0, 0.1, …, 1.
    static let viridisStops: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5f, 0x8d), (0x2a, 0x78, 0x8e),
        (0x21, 0x91, 0x8c), (0x22, 0xa8, 0x84), (0x44, 0xbf, 0x70), (0x7a, 0xd1, 0x51), (0xbd, 0xdf, 0x26),
        (0xfd, 0xe7, 0x25),
    ]
    /// Dark brown to orange, lightness rising.
    static let orangeStops: [(Double, Double, Double)] = [
        (0x6b, 0x2a, 0x00), (0xa6, 0x3c, 0x06), (0xd9, 0x5f, 0x0e), (0xf0, 0x8c, 0x2a),
    ]

    static func viridis(_ t: Double) -> String { ramp(viridisStops, t) }
    static func oranges(_ t: Double) -> String { ramp(orangeStops, t) }

    static func ramp(_ stops: [(Double, Double, Double)], _ t: Double) -> String {
        let position = min(1, max(0, t)) * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(position))
        let f = position - Double(index)
        let (a, b) = (stops[index], stops[index + 1])
        let rgb = [a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f]
        return "#" + rgb.map { hex(Int($0.rounded())) }.joined()
    }

    private static func hex(_ value: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[value / 16], digits[value % 16]])
    }
}
