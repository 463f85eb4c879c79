/// The element types an IDX file can declare in its third header byte.
///
/// Multi-byte elements are stored big-endian in the file.
public enum IDXElementType: UInt8, CaseIterable, Sendable {
    /// Unsigned 8-bit integer (type code 0x08).
    case uint8 = 0x08
    /// Signed 8-bit integer (type code 0x09).
    case int8 = 0x09
    /// Signed 16-bit integer (type code 0x0B).
    case int16 = 0x0B
    /// Signed 32-bit integer (type code 0x0C).
    case int32 = 0x0C
    /// IEEE 754 single-precision float (type code 0x0D).
    case float32 = 0x0D
    /// IEEE 754 double-precision float (type code 0x0E).
    case float64 = 0x0E

    /// Bytes per element in the file (and in memory).
    public var byteWidth: Int {
        switch self {
        case .uint8, .int8: 1
        case .int16: 2
        case .int32, .float32: 4
        case .float64: 8
        }
    }
}

/// `0x0d`-style text for one byte, used in error messages.
func hexByte(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return "0x" + (digits.count == 1 ? "0" + digits : digits)
}
