/// A decoded picture as 8-bit grey levels, 0 black and 255 white, with its
/// transparency when the file had any.
public struct GrayImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width × height` grey levels, row by row from the top.
    public let pixels: [UInt8]
    /// `width × height` opacities (0 transparent, 255 opaque), or nil when
    /// every pixel is opaque.
    public let alpha: [UInt8]?

    /// - Precondition: `width` and `height` are at least 1, and `pixels`
    ///   (and `alpha`, if given) hold `width × height` values.
    public init(width: Int, height: Int, pixels: [UInt8], alpha: [UInt8]? = nil) {
        precondition(width >= 1 && height >= 1 && pixels.count == width * height)
        precondition(alpha == nil || alpha!.count == pixels.count)
        self.width = width
        self.height = height
        self.pixels = pixels
        self.alpha = alpha
    }

    /// The grey level at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }
}
