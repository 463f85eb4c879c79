/// One tensor to be written from memory the caller owns: its name, element
/// type, shape and raw little-endian bytes.
///
/// Where ``TensorRecord`` holds a copy of the data, a view only points at
/// it, so writing a large tensor this way copies it only into the file.
/// The bytes must stay valid and unchanged while a write that takes the
/// view runs. The writer checks `bytes` against `shape` as it does a
/// record's data.
public struct TensorView {
    /// The tensor's name; must be non-empty, unique within a file and not
    /// `"__metadata__"`.
    public var name: String
    /// The element type declared in the header.
    public var dtype: DType
    /// The dimensions, outermost first; `[]` is a scalar.
    public var shape: [Int]
    /// The elements in row-major order, each stored little-endian.
    public var bytes: UnsafeRawBufferPointer

    public init(name: String, dtype: DType, shape: [Int], bytes: UnsafeRawBufferPointer) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }
}
