/// A JSON syntax error at a byte position of the header.
struct HeaderJSONSyntaxError: Error, Equatable {
    /// The position of the offending byte, counted from the start of the
    /// header text (not of the file).
    var offset: Int
    var expected: String
    var found: String
}

/// A strict RFC 8259 parser for safetensors headers.
///
/// It accepts exactly one value surrounded by optional whitespace (writers
/// pad headers with trailing spaces). It rejects invalid UTF-8, unescaped
/// control characters, lone surrogate escapes, leading zeros, trailing
/// commas and nesting deeper than ``maximumDepth``; it never traps on any
/// input.
struct HeaderJSONParser {
    /// The deepest nesting accepted; a valid header needs 3 levels, and the
    /// limit keeps hostile input from exhausting the stack.
    static let maximumDepth = 32

    private let bytes: [UInt8]
    private var position = 0

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses `bytes` as one JSON value.
    static func parse(_ bytes: [UInt8]) throws(HeaderJSONSyntaxError) -> HeaderJSONValue {
        var parser = HeaderJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw parser.error(expected: "end of header after the top-level value")
        }
        return value
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// An error at the current position describing the byte found there.
    private func error(expected: String) -> HeaderJSONSyntaxError {
        let found: String
        if let byte = current {
            found = (0x21...0x7E).contains(byte)
                ? "'\(Character(Unicode.Scalar(byte)))'"
                : "byte 0x\(String(byte, radix: 16, uppercase: true))"
        } else {
            found = "end of header"
        }
        return HeaderJSONSyntaxError(offset: position, expected: expected, found: found)
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(HeaderJSONSyntaxError) {
        guard current == byte else { throw error(expected: what) }
        position += 1
    }

    private mutating func parseValue(depth: Int) throws(HeaderJSONSyntaxError) -> HeaderJSONValue {
        guard depth < Self.maximumDepth else {
            throw error(expected: "nesting at most \(Self.maximumDepth) levels deep")
        }
        guard let byte = current else { throw error(expected: "a JSON value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error(expected: "a JSON value")
        }
    }

    private mutating func parseLiteral(_ word: StaticString) throws(HeaderJSONSyntaxError) {
        let text = word.withUTF8Buffer { Array($0) }
        for byte in text {
            try expect(byte, "the literal \(word)")
        }
    }

    private mutating func parseObject(depth: Int) throws(HeaderJSONSyntaxError) -> HeaderJSONValue {
        position += 1
        var members: [(key: String, value: HeaderJSONValue)] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error(expected: "a string key") }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after an object key")
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append((key, value))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws(HeaderJSONSyntaxError) -> HeaderJSONValue {
        position += 1
        var items: [HeaderJSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']' in an array")
            return .array(items)
        }
    }

    private mutating func parseNumber() throws(HeaderJSONSyntaxError) -> String {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else {
            try parseDigits()
        }
        if current == UInt8(ascii: ".") {
            position += 1
            try parseDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            try parseDigits()
        }
        // A digit straight after a leading zero ("01") is not JSON.
        if let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            throw error(expected: "no digits after a leading zero")
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func parseDigits() throws(HeaderJSONSyntaxError) {
        let start = position
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            position += 1
        }
        if position == start { throw error(expected: "a digit") }
    }

    private mutating func parseString() throws(HeaderJSONSyntaxError) -> String {
        let start = position
        position += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw error(expected: "'\"' closing the string") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw HeaderJSONSyntaxError(
                        offset: start, expected: "a string of valid UTF-8",
                        found: "invalid UTF-8 bytes")
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                try parseEscape(into: &utf8)
            case 0x00..<0x20:
                throw error(expected: "an escaped control character in a string")
            default:
                utf8.append(byte)
                position += 1
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(HeaderJSONSyntaxError) {
        guard let byte = current else { throw error(expected: "an escape character") }
        position += 1
        let simple: UInt8? = switch byte {
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "/"): UInt8(ascii: "/")
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple {
            utf8.append(simple)
            return
        }
        guard byte == UInt8(ascii: "u") else {
            position -= 1
            throw error(expected: "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u")
        }
        var code = UInt32(try parseHexQuad())
        if (0xD800..<0xDC00).contains(code) {
            // A high surrogate must be followed by an escaped low surrogate.
            try expect(UInt8(ascii: "\\"), "a low surrogate escape after a high surrogate")
            try expect(UInt8(ascii: "u"), "a low surrogate escape after a high surrogate")
            let low = UInt32(try parseHexQuad())
            guard (0xDC00..<0xE000).contains(low) else {
                position -= 4
                throw error(expected: "a low surrogate (DC00-DFFF)")
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(code) {
            position -= 4
            throw error(expected: "a high surrogate before a low surrogate")
        }
        guard let scalar = Unicode.Scalar(code) else {
            throw error(expected: "a Unicode scalar value")
        }
        utf8.append(contentsOf: Array(String(scalar).utf8))
    }

    private mutating func parseHexQuad() throws(HeaderJSONSyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = current else { throw error(expected: "four hex digits after \\u") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error(expected: "four hex digits after \\u")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }
}
