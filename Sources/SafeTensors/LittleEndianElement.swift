/// A fixed-width scalar that a tensor stores as its little-endian bit
/// pattern, together with the dtype that declares it.
protocol LittleEndianElement: BitwiseCopyable {
    /// The unsigned or signed integer holding the element's bits.
    associatedtype BitPattern: FixedWidthInteger & BitwiseCopyable
    /// The dtype a tensor of these elements declares.
    static var dtype: DType { get }
    /// The element's bits, in host byte order.
    var bitPattern: BitPattern { get }
    /// The element with the given host-order bits; exact for every pattern,
    /// including NaN payloads.
    init(bitPattern: BitPattern)
}

extension Float: LittleEndianElement {
    static var dtype: DType { .f32 }
}

extension Double: LittleEndianElement {
    static var dtype: DType { .f64 }
}

extension Int32: LittleEndianElement {
    static var dtype: DType { .i32 }
    var bitPattern: Int32 { self }
    init(bitPattern: Int32) { self = bitPattern }
}

extension Int64: LittleEndianElement {
    static var dtype: DType { .i64 }
    var bitPattern: Int64 { self }
    init(bitPattern: Int64) { self = bitPattern }
}

extension UInt8: LittleEndianElement {
    static var dtype: DType { .u8 }
    var bitPattern: UInt8 { self }
    init(bitPattern: UInt8) { self = bitPattern }
}
