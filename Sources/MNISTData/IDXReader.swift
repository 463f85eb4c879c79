/// Reads IDX files (the format of the MNIST distribution), plain or
/// gzip-compressed.
///
/// Compression is recognised by content — a file starting with the gzip
/// magic `1f 8b` is inflated — never by its name. Every header field is
/// checked before it is trusted, and the declared payload size is checked
/// against both `limit` and what the file could possibly hold before any
/// payload memory is allocated. The payload must fill the file (or the
/// single gzip member) exactly.
public enum IDXReader {
    /// The default largest payload, in bytes, that `read(path:limit:)`
    /// accepts: 2 GiB.
    public static let defaultPayloadLimit = 2 << 30

    /// Reads and validates the IDX file at `path`.
    ///
    /// - Parameters:
    ///   - path: The file, plain or gzip-compressed.
    ///   - limit: The largest payload in bytes (elements × element width)
    ///     to accept; negative values accept nothing.
    /// - Returns: The array, with elements in host byte order.
    /// - Throws: `DataError` naming `path`: `.missingInput` if the file
    ///   cannot be opened or is not a regular file; `.ioError` if reading
    ///   fails; `.malformedData` for a bad magic, type code, rank or
    ///   dimension, a payload over `limit` or larger than the file can
    ///   hold, a short or overlong payload, a truncated or corrupt gzip
    ///   stream (including a CRC-32 or ISIZE mismatch), or bytes after the
    ///   gzip member.
    public static func read(path: String, limit: Int = defaultPayloadLimit) throws(DataError) -> IDXArray {
        try read(InputFile(path: path), limit: limit)
    }

    /// Reads and validates IDX data already in memory, plain or
    /// gzip-compressed, with the same checks as `read(path:limit:)`.
    ///
    /// - Parameters:
    ///   - bytes: The whole file's contents.
    ///   - source: Names the data in error messages, as a path would.
    ///   - limit: The largest payload in bytes to accept.
    /// - Throws: `DataError` naming `source`, of kind `.malformedData` for
    ///   the content errors `read(path:limit:)` reports.
    public static func read(
        bytes: [UInt8], source: String, limit: Int = defaultPayloadLimit
    ) throws(DataError) -> IDXArray {
        try read(MemoryInput(bytes: bytes, label: source), limit: limit)
    }

    /// Chooses raw or gzip decoding by the first two bytes, then decodes.
    private static func read(_ input: any IDXInput, limit: Int) throws(DataError) -> IDXArray {
        var magic: (UInt8, UInt8) = (0, 0)
        let peeked = try withUnsafeMutableBytes(of: &magic) { (bytes) throws(DataError) -> Int in
            try input.peek(into: bytes, at: 0)
        }
        let stream: any IDXByteStream =
            peeked == 2 && magic == (0x1F, 0x8B) ? try GzipIDXStream(file: input) : RawIDXStream(file: input)
        return try decode(stream, limit: limit)
    }

    /// Parses the header, then the payload, then checks the stream ends.
    static func decode(_ stream: any IDXByteStream, limit: Int) throws(DataError) -> IDXArray {
        let header = try IDXHeader.read(from: stream)
        let payloadBytes = try header.payloadByteCount(limit: limit, bound: stream.remainingBound, source: stream.path)
        let elementCount = payloadBytes / header.elementType.byteWidth
        let elements: IDXElements
        switch header.elementType {
        case .uint8:
            elements = .uint8(try readElements(UInt8.self, count: elementCount, from: stream, header: header))
        case .int8:
            elements = .int8(try readElements(Int8.self, count: elementCount, from: stream, header: header))
        case .int16:
            elements = .int16(try readElements(Int16.self, count: elementCount, from: stream, header: header) {
                swapFromBigEndian($0, as: UInt16.self)
            })
        case .int32:
            elements = .int32(try readElements(Int32.self, count: elementCount, from: stream, header: header) {
                swapFromBigEndian($0, as: UInt32.self)
            })
        case .float32:
            elements = .float32(try readElements(Float.self, count: elementCount, from: stream, header: header) {
                swapFromBigEndian($0, as: UInt32.self)
            })
        case .float64:
            elements = .float64(try readElements(Double.self, count: elementCount, from: stream, header: header) {
                swapFromBigEndian($0, as: UInt64.self)
            })
        }
        try stream.expectEnd(consumed: header.byteCount + payloadBytes)
        return IDXArray(validatedDimensions: header.dimensions, elements: elements)
    }

    /// Reads `count` elements straight into a new array's storage, then
    /// lets `fixByteOrder` convert them in place.
    private static func readElements<Element>(
        _ type: Element.Type, count: Int, from stream: any IDXByteStream, header: IDXHeader,
        fixByteOrder: (UnsafeMutableRawBufferPointer) -> Void = { _ in }
    ) throws(DataError) -> [Element] {
        let expectedBytes = count * MemoryLayout<Element>.stride
        // The full payload is reserved up front: its size has been checked
        // against the limit and the file, and a large reservation is only
        // address space until inflate writes to it, so a short or corrupt
        // stream costs memory in proportion to the data actually decoded.
        var failure: DataError?
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            do throws(DataError) {
                let got = try stream.read(into: bytes)
                guard got == expectedBytes else {
                    failure = DataError(
                        kind: .malformedData, source: stream.path,
                        expected: "\(expectedBytes) payload bytes for \(header.elementType) dimensions \(header.dimensions)",
                        found: "\(got) bytes before the data ends")
                    return
                }
            } catch {
                failure = error
                return
            }
            fixByteOrder(bytes)
            initialized = count
        }
        if let failure { throw failure }
        return values
    }
}

/// Converts big-endian words in place to host order; a no-op on big-endian
/// hosts. `Word` must have the element's size.
private func swapFromBigEndian<Word: FixedWidthInteger>(
    _ bytes: UnsafeMutableRawBufferPointer, as _: Word.Type
) {
    // The elements are trivial values of Word's size, so viewing them as
    // Word is allowed; withMemoryRebound restores their type afterwards.
    let words = bytes.count / MemoryLayout<Word>.stride
    guard let base = bytes.baseAddress, words > 0 else { return }
    base.withMemoryRebound(to: Word.self, capacity: words) { pointer in
        for index in 0..<words {
            pointer[index] = Word(bigEndian: pointer[index])
        }
    }
}
