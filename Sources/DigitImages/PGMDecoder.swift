/// Netpbm greyscale images: P5 (binary) and P2 (plain text), maxval 1 to
/// 65535, 0 black and maxval white.
///
/// The header is `P5` or `P2`, then width, height and maxval, each after
/// whitespace (comments from `#` to the end of a line may come between
/// them). P5's samples follow one whitespace byte, one byte each when
/// maxval is below 256, else two bytes, most significant first; P2's are
/// decimal numbers separated by whitespace. Bytes after the first image
/// (Netpbm allows several per file) are ignored. Samples are rescaled to
/// 0...255 with rounding.
enum PGMDecoder {
    static func decode(_ bytes: [UInt8], source: String) throws(ImageError) -> GrayImage {
        let plain = bytes[1] == UInt8(ascii: "2")
        var scanner = PGMScanner(bytes: bytes, source: source, position: 2)
        let width = try scanner.number("the width")
        let height = try scanner.number("the height")
        let maxval = try scanner.number("the maxval")
        guard ImageLimits.accepts(width: width, height: height) else {
            throw ImageError.malformed(source, expected: ImageLimits.sizeDescription, found: "\(width)×\(height)")
        }
        guard (1...65_535).contains(maxval) else {
            throw ImageError.malformed(source, expected: "a maxval of 1 to 65535", found: "\(maxval)")
        }
        let count = width * height
        // Rounded rescaling to 0...255: 0 stays 0 and maxval becomes 255.
        let eightBit = { (sample: Int) in UInt8((sample * 255 + maxval / 2) / maxval) }
        let pixels = plain
            ? try plainPixels(&scanner, count: count, maxval: maxval, convert: eightBit)
            : try binaryPixels(&scanner, count: count, maxval: maxval, convert: eightBit)
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// P5: one whitespace byte after maxval, then the raster, whose length
    /// is checked against the file before the pixels are allocated.
    static func binaryPixels(
        _ scanner: inout PGMScanner, count: Int, maxval: Int, convert: (Int) -> UInt8
    ) throws(ImageError) -> [UInt8] {
        let bytes = scanner.bytes, source = scanner.source
        guard scanner.position < bytes.count, PGMScanner.isWhitespace(bytes[scanner.position]) else {
            throw ImageError.malformed(source, expected: "one whitespace byte after the maxval", found: scanner.describeNext())
        }
        let start = scanner.position + 1
        let bytesPerSample = maxval < 256 ? 1 : 2
        let needed = count * bytesPerSample
        guard bytes.count - start >= needed else {
            throw ImageError.malformed(
                source, expected: "\(needed) bytes of pixels after the header",
                found: "\(bytes.count - start) (the file is truncated)")
        }
        var pixels = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            let sample = bytesPerSample == 1
                ? Int(bytes[start + index])
                : Int(bytes[start + 2 * index]) << 8 | Int(bytes[start + 2 * index + 1])
            guard sample <= maxval else {
                throw ImageError.malformed(
                    source, expected: "samples of 0 to the maxval \(maxval)", found: "\(sample) at pixel \(index)")
            }
            pixels[index] = convert(sample)
        }
        return pixels
    }

    /// P2: `count` decimal samples. Each takes at least two bytes (a
    /// separator and a digit), which bounds the count by the file's length
    /// before the pixels are allocated.
    static func plainPixels(
        _ scanner: inout PGMScanner, count: Int, maxval: Int, convert: (Int) -> UInt8
    ) throws(ImageError) -> [UInt8] {
        let remaining = scanner.bytes.count - scanner.position
        guard remaining >= 2 * count else {
            throw ImageError.malformed(
                scanner.source, expected: "\(count) samples after the header",
                found: "only \(remaining) bytes left (the file is truncated)")
        }
        var pixels = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            let sample = try scanner.number("sample \(index)")
            guard sample <= maxval else {
                throw ImageError.malformed(
                    scanner.source, expected: "samples of 0 to the maxval \(maxval)", found: "\(sample) at pixel \(index)")
            }
            pixels[index] = convert(sample)
        }
        return pixels
    }
}
