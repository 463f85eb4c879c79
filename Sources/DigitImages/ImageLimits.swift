/// The largest inputs the readers accept, checked against a file's header
/// before anything of that size is allocated.
public enum ImageLimits {
    /// Most pixels along either side.
    public static let maxSide = 16_384
    /// Most pixels in all (64 Mpixel).
    public static let maxPixels = 64 * 1024 * 1024
    /// Largest file read into memory (512 MiB: room for a plain-text PGM
    /// of 64 Mpixel).
    public static let maxFileBytes = 512 * 1024 * 1024

    /// What an oversized image is reported against.
    static let sizeDescription = "an image of at most \(maxSide)×\(maxSide) pixels and 64 Mpixel"

    /// Whether a declared `width` × `height` is within the limits (both at
    /// least 1). Safe for any values, however large.
    static func accepts(width: Int, height: Int) -> Bool {
        guard (1...maxSide).contains(width), (1...maxSide).contains(height) else { return false }
        return width * height <= maxPixels
    }
}
