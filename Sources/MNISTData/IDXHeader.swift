/// The validated header of an IDX file: magic `00 00`, a type code, a rank
/// and `rank` big-endian `UInt32` dimensions.
struct IDXHeader: Equatable {
    let elementType: IDXElementType
    /// 1...255 entries, each at least 1.
    let dimensions: [Int]

    /// Header length in bytes.
    var byteCount: Int { 4 + 4 * dimensions.count }

    /// Reads and checks the header fields from the start of `stream`.
    ///
    /// - Throws: `.malformedData` if the data ends inside the header, the
    ///   magic is not `00 00`, the type code is unknown, the rank is 0 or a
    ///   dimension is 0.
    static func read(from stream: any IDXByteStream) throws(DataError) -> IDXHeader {
        let source = stream.path
        let prefix = try readBytes(4, from: stream)
        guard prefix.count == 4 else {
            throw DataError(
                kind: .malformedData, source: source,
                expected: "a 4-byte IDX header (magic 0x00 0x00, type code, rank)",
                found: "\(prefix.count) bytes")
        }
        guard prefix[0] == 0, prefix[1] == 0 else {
            throw DataError(
                kind: .malformedData, source: source, expected: "IDX magic 0x00 0x00 in bytes 0-1",
                found: "\(hexByte(prefix[0])) \(hexByte(prefix[1]))")
        }
        guard let elementType = IDXElementType(rawValue: prefix[2]) else {
            throw DataError(
                kind: .malformedData, source: source,
                expected: "an IDX type code (0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e) in byte 2",
                found: hexByte(prefix[2]))
        }
        let rank = Int(prefix[3])
        guard rank >= 1 else {
            throw DataError(
                kind: .malformedData, source: source, expected: "a rank of 1 to 255 in byte 3",
                found: "0")
        }
        let sizeBytes = try readBytes(4 * rank, from: stream)
        guard sizeBytes.count == 4 * rank else {
            throw DataError(
                kind: .malformedData, source: source,
                expected: "\(rank) big-endian UInt32 dimensions in bytes 4-\(3 + 4 * rank)",
                found: "the data ends after \(4 + sizeBytes.count) bytes")
        }
        var dimensions: [Int] = []
        dimensions.reserveCapacity(rank)
        for axis in 0..<rank {
            let first = 4 * axis
            let size = sizeBytes[first..<first + 4].reduce(0) { $0 << 8 | Int($1) }
            guard size >= 1 else {
                throw DataError(
                    kind: .malformedData, source: source,
                    expected: "dimension \(axis) (bytes \(4 + first)-\(7 + first)) at least 1",
                    found: "0")
            }
            dimensions.append(size)
        }
        return IDXHeader(elementType: elementType, dimensions: dimensions)
    }

    /// The payload size the header declares, after checking it against the
    /// caller's `limit` and the `bound` on what the input can still hold.
    ///
    /// - Throws: `.malformedData` if the size overflows, exceeds `limit` or
    ///   exceeds `bound.bytes`.
    func payloadByteCount(
        limit: Int, bound: (bytes: Int, reason: String), source: String
    ) throws(DataError) -> Int {
        var total = elementType.byteWidth
        var overflow = false
        for size in dimensions where !overflow {
            (total, overflow) = total.multipliedReportingOverflow(by: size)
        }
        let declared = overflow ? "more than \(Int.max)" : "\(total)"
        let found = "\(elementType) dimensions \(dimensions) declaring \(declared) payload bytes"
        guard !overflow, total <= limit else {
            throw DataError(
                kind: .malformedData, source: source,
                expected: "at most \(max(0, limit)) payload bytes (the reader's limit)", found: found)
        }
        guard total <= bound.bytes else {
            throw DataError(
                kind: .malformedData, source: source,
                expected: "at most \(bound.bytes) payload bytes, as \(bound.reason)", found: found)
        }
        return total
    }

    /// Up to `count` bytes from `stream`; fewer only if the data ends.
    private static func readBytes(_ count: Int, from stream: any IDXByteStream) throws(DataError) -> [UInt8] {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buffer.deallocate() }
        let got = try stream.read(into: buffer)
        let bytes = [UInt8](buffer[0..<got])
        return bytes
    }
}
