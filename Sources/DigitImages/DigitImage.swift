/// A digit prepared the way MNIST's were, from any picture of one: 28 × 28
/// bytes, 0 background and 255 ink, the digit scaled to fit a 20 × 20 box
/// and placed by its centre of mass.
///
/// Steps, after flattening transparency (`GrayImage.flattened()`):
/// 1. ink levels: inverted if the background is light, paper to 0 and
///    noise removed (`InkExtraction`); a picture without ink is refused;
/// 2. cropped to the bounding box of the ink;
/// 3. scaled, keeping the aspect ratio, so that the longer side is 20
///    pixels, by area averaging (grey, anti-aliased edges), then stretched
///    so that the brightest pixel is 255;
/// 4. placed in a 28 × 28 frame, shifted by whole pixels so that its centre
///    of mass (pixel `i` counted at `i`) is within half a pixel of (14, 14);
///    the shift stops at the frame's edge, so no ink is ever cut off.
///
/// The network sees these bytes scaled to [0, 1] exactly as training
/// scales MNIST's (`BatchSource` in `NCENetwork`).
public struct DigitImage: Equatable, Sendable {
    /// Pixels along each side of the frame.
    public static let side = 28
    /// The box the digit is scaled to fit.
    public static let boxSide = 20
    /// Where the centre of mass is placed (column and row).
    public static let centre = 14.0

    /// `side × side` ink levels, row by row from the top.
    public let pixels: [UInt8]
    /// Whether the picture had a light background and was inverted.
    public let inverted: Bool

    /// Prepares the digit shown in `image`.
    ///
    /// - Parameter source: the file name, for the error.
    /// - Throws: `.malformedData` ("expected a digit, found a blank image")
    ///   when the picture has no ink.
    public init(preparing image: GrayImage, source: String) throws(ImageError) {
        guard let ink = InkExtraction.inkLevels(of: image.flattened()), let bounds = ink.inkBounds() else {
            throw ImageError.malformed(source, expected: "a digit", found: "a blank image")
        }
        let size = Self.fittedSize(width: bounds.columns.count, height: bounds.rows.count)
        let box = Self.normalized(
            ink.resampled(columns: bounds.columns, rows: bounds.rows, width: size.width, height: size.height))
        self.init(pixels: Self.framed(box), inverted: ink.inverted)
    }

    /// Wraps prepared bytes. - Precondition: `side × side` of them.
    public init(pixels: [UInt8], inverted: Bool = false) {
        precondition(pixels.count == Self.side * Self.side)
        self.pixels = pixels
        self.inverted = inverted
    }

    /// Width and height that fit `width` × `height` into the box, the longer
    /// side becoming `boxSide` and the shorter one scaled alike (rounded, at
    /// least 1).
    static func fittedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let longer = Double(max(width, height))
        func scaled(_ side: Int) -> Int { max(1, Int((Double(side) * Double(boxSide) / longer).rounded())) }
        return (scaled(width), scaled(height))
    }

    /// The scaled digit with its brightest pixel at 255, rounded to whole
    /// levels.
    static func normalized(_ box: Plane) -> Plane {
        var box = box
        let peak = box.values.max() ?? 0
        if peak > 0 {
            box.values = box.values.map { min(255, ($0 * 255 / peak).rounded()) }
        }
        return box
    }

    /// The box placed in the frame by its centre of mass.
    static func framed(_ box: Plane) -> [UInt8] {
        let (cx, cy) = box.centreOfMass() ?? (Double(box.width - 1) / 2, Double(box.height - 1) / 2)
        let left = min(max(0, Int((centre - cx).rounded())), side - box.width)
        let top = min(max(0, Int((centre - cy).rounded())), side - box.height)
        var pixels = [UInt8](repeating: 0, count: side * side)
        for y in 0..<box.height {
            for x in 0..<box.width {
                pixels[(top + y) * side + left + x] = UInt8(box[x, y])
            }
        }
        return pixels
    }

    /// The centre of mass of the prepared digit (pixel `i` at `i`).
    public var centreOfMass: (x: Double, y: Double) {
        let plane = Plane(width: Self.side, height: Self.side, values: pixels.map(Double.init))
        return plane.centreOfMass() ?? (Self.centre, Self.centre)
    }
}
