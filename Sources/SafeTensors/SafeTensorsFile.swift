/// Reading and writing safetensors files.
///
/// A file is an 8-byte little-endian header length `N`, then `N` bytes of
/// UTF-8 JSON describing each tensor (`dtype`, `shape`, `data_offsets`) and
/// an optional `"__metadata__"` object of strings, then the tensors' raw
/// little-endian data, packed without gaps in the order of their offsets.
public enum SafeTensorsFile {
    /// The largest header length accepted or written, in bytes; the same
    /// limit as the reference implementation, so anything written here can
    /// be read there.
    public static let maximumHeaderLength = 100_000_000

    /// The reserved header key holding the file's metadata.
    public static let metadataKey = "__metadata__"

    /// The size of the header-length prefix.
    static let prefixLength = 8
}
