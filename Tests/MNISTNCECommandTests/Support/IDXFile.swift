/// Encodes unsigned-byte IDX files, the layout of the MNIST distribution.
enum IDXFile {
    /// The bytes of an IDX file of `UInt8` elements: magic `00 00`, type
    /// code `08`, the rank, each dimension as a big-endian `UInt32`, then
    /// `values` as they are.
    ///
    /// The dimensions are written as given, even if they do not match
    /// `values.count`, so that tests can build inconsistent files.
    static func bytes(dimensions: [Int], values: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0x00, 0x00, 0x08, UInt8(dimensions.count)]
        for dimension in dimensions {
            let value = UInt32(dimension)
            bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
        }
        return bytes + values
    }
}
