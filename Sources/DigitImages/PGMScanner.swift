/// Reads the whitespace-separated decimal fields of a Netpbm header (and of
/// a plain P2 raster), skipping `#` comments, which run to the end of a line.
struct PGMScanner {
    let bytes: [UInt8]
    let source: String
    /// The next byte to read.
    var position: Int

    /// A field with more digits than this is reported as it is written,
    /// never converted.
    static let maxDigits = 10

    /// Moves past whitespace and comments; returns whether it moved.
    @discardableResult
    mutating func skipSeparators() -> Bool {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isWhitespace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "#") {
                while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
            } else {
                break
            }
        }
        return position > start
    }

    /// Reads a decimal number that must follow at least one separator.
    ///
    /// - Parameter name: what the field is, for errors ("the width").
    /// - Throws: `.malformedData` when no separator or no digit comes next,
    ///   or the number has more than `maxDigits` digits.
    mutating func number(_ name: String) throws(ImageError) -> Int {
        guard skipSeparators() else {
            throw ImageError.malformed(source, expected: "whitespace before \(name)", found: describeNext())
        }
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            position += 1
        }
        guard position > start else {
            throw ImageError.malformed(source, expected: "\(name) as a decimal number", found: describeNext())
        }
        let digits = bytes[start..<position]
        guard digits.count <= Self.maxDigits else {
            throw ImageError.malformed(
                source, expected: "\(name) of at most \(Self.maxDigits) digits",
                found: "\(digits.count) digits at byte \(start)")
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// What is at `position`, for errors.
    func describeNext() -> String {
        guard position < bytes.count else { return "the end of the file at byte \(position)" }
        let byte = bytes[position]
        let shown = (0x21...0x7E).contains(byte)
            ? "\"\(Character(UnicodeScalar(byte)))\"" : "byte 0x" + String(byte, radix: 16).leftPadded(2, with: "0")
        return "\(shown) at byte \(position)"
    }

    /// Netpbm's whitespace: space, tab, line feed, vertical tab, form feed,
    /// carriage return.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
