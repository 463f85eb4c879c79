/// The element types a safetensors file can declare, spelled as in the
/// header's `"dtype"` field.
///
/// Only byte-aligned types are listed; a header naming any other type
/// (for instance the sub-byte `F4`) is rejected by the reader as unknown.
public enum DType: String, Sendable, CaseIterable, Hashable {
    /// A boolean stored as one byte (0 or 1).
    case bool = "BOOL"
    /// An unsigned 8-bit integer.
    case u8 = "U8"
    /// A signed 8-bit integer.
    case i8 = "I8"
    /// An 8-bit float with 5 exponent and 2 mantissa bits.
    case f8e5m2 = "F8_E5M2"
    /// An 8-bit float with 4 exponent and 3 mantissa bits.
    case f8e4m3 = "F8_E4M3"
    /// A signed 16-bit integer.
    case i16 = "I16"
    /// An unsigned 16-bit integer.
    case u16 = "U16"
    /// An IEEE 754 binary16 float.
    case f16 = "F16"
    /// A bfloat16: the top 16 bits of a binary32 float.
    case bf16 = "BF16"
    /// A signed 32-bit integer (`Int32`).
    case i32 = "I32"
    /// An unsigned 32-bit integer.
    case u32 = "U32"
    /// An IEEE 754 binary32 float (`Float`).
    case f32 = "F32"
    /// An IEEE 754 binary64 float (`Double`).
    case f64 = "F64"
    /// A signed 64-bit integer (`Int64`).
    case i64 = "I64"
    /// An unsigned 64-bit integer.
    case u64 = "U64"

    /// The number of bytes one element occupies in the data buffer; always
    /// 1, 2, 4 or 8.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }
}
