extension IDXArray {
    /// The array as the bytes of an uncompressed IDX file: magic `00 00`,
    /// type code, rank, each dimension as a big-endian `UInt32`, then the
    /// elements big-endian.
    ///
    /// Reading these bytes back with `IDXReader` gives an equal array
    /// (floats compare bit for bit, so NaN payloads survive).
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [0, 0, elementType.rawValue, UInt8(rank)]
        bytes.reserveCapacity(4 + 4 * rank + count * elementType.byteWidth)
        for size in dimensions {
            appendBigEndian(UInt32(size), to: &bytes)
        }
        switch elements {
        case .uint8(let values): bytes.append(contentsOf: values)
        case .int8(let values): bytes.append(contentsOf: values.lazy.map { UInt8(bitPattern: $0) })
        case .int16(let values): for value in values { appendBigEndian(value, to: &bytes) }
        case .int32(let values): for value in values { appendBigEndian(value, to: &bytes) }
        case .float32(let values): for value in values { appendBigEndian(value.bitPattern, to: &bytes) }
        case .float64(let values): for value in values { appendBigEndian(value.bitPattern, to: &bytes) }
        }
        return bytes
    }
}

/// Appends the bytes of `value`, most significant first.
private func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
}
