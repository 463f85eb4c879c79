/// Tells an image format from a file's first bytes and decodes it.
public enum ImageDecoder {
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// What every unrecognised file is reported against.
    static let supportedFormats = "a PNG or a greyscale PGM (P2 or P5) image"

    /// Decodes PNG (any colour type and bit depth) or PGM (P5 binary or P2
    /// plain text, maxval up to 65535) held in `bytes`; `source` names the
    /// file in errors.
    public static func decode(_ bytes: [UInt8], source: String) throws(ImageError) -> GrayImage {
        if bytes.starts(with: pngSignature) {
            return try PNGDecoder.decode(bytes, source: source)
        }
        if bytes.starts(with: Array("P5".utf8)) || bytes.starts(with: Array("P2".utf8)) {
            return try PGMDecoder.decode(bytes, source: source)
        }
        throw ImageError.malformed(source, expected: supportedFormats, found: describeUnsupported(bytes))
    }

    /// Names a few formats a user may try, else shows the first bytes.
    static func describeUnsupported(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "an empty file" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "a JPEG file (convert it to PNG)" }
        if bytes.starts(with: Array("GIF8".utf8)) { return "a GIF file (convert it to PNG)" }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "7")).contains(bytes[1]) {
            return "a Netpbm P\(Character(UnicodeScalar(bytes[1]))) file, which is not a greyscale PGM"
        }
        if bytes.starts(with: Array(pngSignature.prefix(4))) { return "a damaged PNG signature" }
        let shown = bytes.prefix(8).map { "0x" + String($0, radix: 16).leftPadded(2, with: "0") }
        return "first bytes \(shown.joined(separator: " "))"
    }
}

extension String {
    /// The string right-aligned in `width` characters, filled with `pad`.
    func leftPadded(_ width: Int, with pad: Character) -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
