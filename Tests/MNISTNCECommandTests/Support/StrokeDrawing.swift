/// Draws digits from pen strokes into PGM files, independently of the
/// committed fixtures (which `scripts/make_test_digits.py` drew), so the
/// tests also try a hand the fixtures do not show.
struct StrokeDrawing {
    let width: Int
    let height: Int
    /// Ink coverage per pixel, 0...1.
    private(set) var coverage: [Double]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        coverage = [Double](repeating: 0, count: width * height)
    }

    /// Adds a polyline through `points` (pixel coordinates) with a round
    /// pen of diameter `thickness`; each pixel is covered by the fraction of
    /// its 5 × 5 sample points within the pen's reach.
    mutating func stroke(_ points: [(x: Double, y: Double)], thickness: Double) {
        let radius = thickness / 2
        for y in 0..<height {
            for x in 0..<width {
                var inside = 0
                for sy in 0..<5 {
                    for sx in 0..<5 {
                        let px = Double(x) + (Double(sx) + 0.5) / 5, py = Double(y) + (Double(sy) + 0.5) / 5
                        if Self.distance(from: (px, py), to: points) <= radius { inside += 1 }
                    }
                }
                coverage[y * width + x] = max(coverage[y * width + x], Double(inside) / 25)
            }
        }
    }

    /// A binary PGM, ink dark (`darkInk`) or light on the opposite background.
    func pgm(darkInk: Bool) -> [UInt8] {
        let header = Array("P5\n\(width) \(height)\n255\n".utf8)
        return header + coverage.map { c in
            let level = UInt8((c * 255).rounded())
            return darkInk ? 255 - level : level
        }
    }

    private static func distance(from p: (Double, Double), to points: [(x: Double, y: Double)]) -> Double {
        var best = Double.infinity
        for (a, b) in zip(points, points.dropFirst()) {
            let dx = b.x - a.x, dy = b.y - a.y
            let length2 = dx * dx + dy * dy
            let t = length2 > 0 ? min(1, max(0, ((p.0 - a.x) * dx + (p.1 - a.y) * dy) / length2)) : 0
            let ex = p.0 - (a.x + t * dx), ey = p.1 - (a.y + t * dy)
            best = min(best, (ex * ex + ey * ey).squareRoot())
        }
        return best
    }
}
