/// Turns a grey picture of a digit into ink levels as MNIST stores them:
/// 0 where the paper is, rising to 255 on the darkest (or brightest) stroke,
/// whether the picture shows dark ink on light paper, light strokes on a
/// dark ground, or either on grey or noisy paper.
///
/// 1. Background: the pixels of a ring along the edges (`borderWidth` wide)
///    are taken to be paper. When their mean grey level is 128 or more the
///    background is light, and the picture is inverted (255 − level) so that
///    ink is bright, as in MNIST.
/// 2. Levels: the median of the (possibly inverted) ring is the paper's
///    level, the brightest pixel the ink's. Less than `minimumContrast`
///    between them means there is no digit: a blank image.
/// 3. Noise floor: levels up to `noiseFloor` of the way from paper to ink
///    become 0 (paper grain, faint smudges), and the rest are stretched
///    linearly to 0...255.
///
/// All of this maps each grey level to one ink level, so the result is a
/// 256-entry table (`InkLevels`) rather than a second copy of the picture.
enum InkExtraction {
    /// Least difference, in grey levels, between paper and ink.
    static let minimumContrast = 32.0
    /// Fraction of the paper-to-ink range treated as noise.
    static let noiseFloor = 0.15

    /// The ring of pixels along the edges that stands for the background:
    /// 1 pixel wide up to 31 pixels, then a 16th of the shorter side.
    static func borderWidth(width: Int, height: Int) -> Int {
        max(1, min(width, height) / 16)
    }

    /// The ink levels of `image` (without transparency; see
    /// `GrayImage.flattened()`); nil when the image is blank.
    static func inkLevels(of image: GrayImage) -> InkLevels? {
        let ring = borderHistogram(of: image)
        let ringCount = ring.reduce(0, +)
        let ringSum = ring.enumerated().reduce(0) { $0 + $1.offset * $1.element }
        let inverted = Double(ringSum) / Double(ringCount) >= 128
        func level(_ grey: Int) -> Double { inverted ? 255 - Double(grey) : Double(grey) }
        // The median grey level of the ring; inversion keeps it the median.
        var seen = 0
        let medianGrey = ring.indices.first { grey in
            seen += ring[grey]
            return 2 * seen > ringCount
        }!
        let paper = level(medianGrey)
        let ink = level(Int(inverted ? image.pixels.min()! : image.pixels.max()!))
        guard ink - paper >= minimumContrast else { return nil }
        let floor = paper + noiseFloor * (ink - paper)
        let table = (0...255).map { grey in max(0, level(grey) - floor) / (ink - floor) * 255 }
        return InkLevels(image: image, table: table, inverted: inverted)
    }

    /// How many pixels within `borderWidth` of an edge have each grey level
    /// (256 counts; each pixel counted once).
    static func borderHistogram(of image: GrayImage) -> [Int] {
        let band = borderWidth(width: image.width, height: image.height)
        var counts = [Int](repeating: 0, count: 256)
        for y in 0..<image.height {
            let nearTopOrBottom = y < band || y >= image.height - band
            for x in 0..<image.width where nearTopOrBottom || x < band || x >= image.width - band {
                counts[Int(image[x, y])] += 1
            }
        }
        return counts
    }
}

/// A picture read as ink: each pixel's grey level through a table.
struct InkLevels {
    let image: GrayImage
    /// Ink level (0...255) of each grey level.
    let table: [Double]
    /// Whether the picture had a light background (ink is dark).
    let inverted: Bool

    var width: Int { image.width }
    var height: Int { image.height }

    subscript(x: Int, y: Int) -> Double { table[Int(image[x, y])] }

    /// The smallest rectangle holding every pixel with ink, as column and
    /// row ranges; nil when there is none.
    func inkBounds() -> (columns: Range<Int>, rows: Range<Int>)? {
        var minX = width, maxX = -1, minY = height, maxY = -1
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<height {
                for x in 0..<width where table[Int(pixels[y * width + x])] > 0 {
                    minX = min(minX, x)
                    maxX = max(maxX, x)
                    minY = min(minY, y)
                    maxY = max(maxY, y)
                }
            }
        }
        return maxX >= 0 ? (minX..<(maxX + 1), minY..<(maxY + 1)) : nil
    }

    /// The part in `columns` × `rows` resampled to `width` × `height` by
    /// area averaging (`Plane.areaResampled`), without copying the picture.
    func resampled(columns: Range<Int>, rows: Range<Int>, width: Int, height: Int) -> Plane {
        image.pixels.withUnsafeBufferPointer { pixels in
            Plane.areaResampled(
                width: columns.count, height: rows.count, to: width, height
            ) { x, y in table[Int(pixels[(rows.lowerBound + y) * image.width + columns.lowerBound + x])] }
        }
    }
}
