/// A tensor's entry in a validated safetensors header.
public struct TensorInfo: Sendable, Equatable {
    /// The tensor's name; non-empty and unique within its file.
    public var name: String
    /// The declared element type.
    public var dtype: DType
    /// The dimensions, outermost first; `[]` is a scalar.
    public var shape: [Int]
    /// The byte range of the data, relative to the first byte after the
    /// header; its length is always `dtype.byteCount(shape: shape)`.
    public var dataOffsets: Range<Int>

    /// Creates an entry; the reader only creates entries it has validated.
    public init(name: String, dtype: DType, shape: [Int], dataOffsets: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.dataOffsets = dataOffsets
    }

    /// The number of elements: the product of ``shape`` (1 for a scalar).
    public var elementCount: Int { dataOffsets.count / dtype.byteSize }

    /// The number of data bytes.
    public var byteCount: Int { dataOffsets.count }
}
