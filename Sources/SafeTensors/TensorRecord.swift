/// One tensor to be written: its name, element type, shape and raw
/// little-endian data.
///
/// The initialisers do not check that `data` matches `shape`; the writer
/// does, and throws ``SafeTensorsError`` with kind `.invalidInput` if not.
public struct TensorRecord: Sendable, Equatable {
    /// The tensor's name; must be non-empty, unique within a file and not
    /// `"__metadata__"`.
    public var name: String
    /// The element type declared in the header.
    public var dtype: DType
    /// The dimensions, outermost first; `[]` is a scalar.
    public var shape: [Int]
    /// The elements in row-major order, each stored little-endian;
    /// `dtype.byteCount(shape: shape)` bytes.
    public var data: [UInt8]

    /// A tensor from already-encoded little-endian bytes.
    public init(name: String, dtype: DType, shape: [Int], data: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// An `F32` tensor; every bit pattern, including NaN payloads, is kept.
    public init(name: String, shape: [Int], floats: [Float]) {
        self.init(name: name, shape: shape, elements: floats)
    }

    /// An `F64` tensor; every bit pattern, including NaN payloads, is kept.
    public init(name: String, shape: [Int], doubles: [Double]) {
        self.init(name: name, shape: shape, elements: doubles)
    }

    /// An `I32` tensor.
    public init(name: String, shape: [Int], int32s: [Int32]) {
        self.init(name: name, shape: shape, elements: int32s)
    }

    /// An `I64` tensor.
    public init(name: String, shape: [Int], int64s: [Int64]) {
        self.init(name: name, shape: shape, elements: int64s)
    }

    /// A `U8` tensor.
    public init(name: String, shape: [Int], uint8s: [UInt8]) {
        self.init(name: name, shape: shape, elements: uint8s)
    }

    init<Element: LittleEndianElement>(name: String, shape: [Int], elements: [Element]) {
        self.init(
            name: name, dtype: Element.dtype, shape: shape,
            data: Element.littleEndianBytes(of: elements))
    }
}
