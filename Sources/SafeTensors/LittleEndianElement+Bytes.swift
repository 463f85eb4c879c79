/// Whether this machine stores integers least significant byte first, in
/// which case tensor data can be copied without reordering.
let hostIsLittleEndian = 1.littleEndian == 1

extension LittleEndianElement {
    /// The little-endian bytes of `values`, `values.count * MemoryLayout<Self>.size`
    /// of them; copied in bulk on little-endian hosts.
    static func littleEndianBytes(of values: [Self]) -> [UInt8] {
        if hostIsLittleEndian {
            return values.withUnsafeBytes { Array($0) }
        }
        return littleEndianBytesElementwise(of: values)
    }

    /// The same bytes as ``littleEndianBytes(of:)``, built one element at a
    /// time; correct on hosts of either byte order.
    static func littleEndianBytesElementwise(of values: [Self]) -> [UInt8] {
        let width = MemoryLayout<BitPattern>.size
        var bytes = [UInt8](repeating: 0, count: values.count * width)
        bytes.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(
                    of: value.bitPattern.littleEndian, toByteOffset: index * width,
                    as: BitPattern.self)
            }
        }
        return bytes
    }

    /// The elements encoded little-endian in `bytes`.
    ///
    /// - Precondition: `bytes.count` is a multiple of the element size; the
    ///   callers guarantee it from a validated header.
    static func elements(fromLittleEndian bytes: UnsafeRawBufferPointer) -> [Self] {
        let count = bytes.count / MemoryLayout<BitPattern>.size
        if hostIsLittleEndian {
            return [Self](unsafeUninitializedCapacity: count) { buffer, initialized in
                if let source = bytes.baseAddress, let destination = buffer.baseAddress {
                    UnsafeMutableRawPointer(destination).copyMemory(
                        from: source, byteCount: count * MemoryLayout<Self>.size)
                }
                initialized = count
            }
        }
        return elementsElementwise(fromLittleEndian: bytes)
    }

    /// The same elements as ``elements(fromLittleEndian:)``, decoded one at
    /// a time; correct on hosts of either byte order.
    static func elementsElementwise(fromLittleEndian bytes: UnsafeRawBufferPointer) -> [Self] {
        let width = MemoryLayout<BitPattern>.size
        let count = bytes.count / width
        var values = [Self]()
        values.reserveCapacity(count)
        for index in 0..<count {
            let bits = bytes.loadUnaligned(fromByteOffset: index * width, as: BitPattern.self)
            values.append(Self(bitPattern: BitPattern(littleEndian: bits)))
        }
        return values
    }
}
