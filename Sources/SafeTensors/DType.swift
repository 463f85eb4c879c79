/// The element types a safetensors file can declare, spelled as in the
/// header's `"dtype"` field.
///
/// Only byte-aligned types are listed; a header naming any other type
/// (for instance the sub-byte `F4`) is rejected by the reader as unknown.
public enum DType: String, Sendable, CaseIterable, Hashable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8e5m2 = "F8_E5M2"
    case f8e4m3 = "F8_E4M3"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case f64 = "F64"
    case i64 = "I64"
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
