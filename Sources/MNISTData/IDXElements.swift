/// The decoded elements of an IDX array, in host byte order, in row-major
/// order of the dimensions.
public enum IDXElements: Equatable, Sendable {
    /// Type code 0x08.
    case uint8([UInt8])
    /// Type code 0x09.
    case int8([Int8])
    /// Type code 0x0B.
    case int16([Int16])
    /// Type code 0x0C.
    case int32([Int32])
    /// Type code 0x0D.
    case float32([Float])
    /// Type code 0x0E.
    case float64([Double])

    /// The element type these values have.
    public var elementType: IDXElementType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .float32: .float32
        case .float64: .float64
        }
    }

    /// Number of elements.
    public var count: Int {
        switch self {
        case .uint8(let values): values.count
        case .int8(let values): values.count
        case .int16(let values): values.count
        case .int32(let values): values.count
        case .float32(let values): values.count
        case .float64(let values): values.count
        }
    }
}
