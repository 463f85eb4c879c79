/// The uncompressed bytes of an IDX file, read front to back.
///
/// Implemented for plain files (`RawIDXStream`) and gzip members
/// (`GzipIDXStream`); the reader sees only decoded bytes.
protocol IDXByteStream: AnyObject {
    /// The file path, for error messages.
    var path: String { get }

    /// The most decoded bytes that can still follow, and a phrase saying why
    /// (`"the file holds …"`), checked before allocating a payload.
    var remainingBound: (bytes: Int, reason: String) { get }

    /// Fills `buffer` with the next decoded bytes; returns fewer than
    /// `buffer.count` only when the decoded data has ended.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int

    /// Checks that nothing follows the `consumed` bytes read so far.
    func expectEnd(consumed: Int) throws(DataError)
}

/// An uncompressed IDX file: the decoded bytes are the file's bytes.
final class RawIDXStream: IDXByteStream {
    private let file: any IDXInput

    init(file: any IDXInput) { self.file = file }

    var path: String { file.path }

    var remainingBound: (bytes: Int, reason: String) {
        (max(0, file.size - file.offset),
         "the file holds \(file.size) bytes of which \(file.offset) are header")
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
        try file.read(into: buffer)
    }

    func expectEnd(consumed: Int) throws(DataError) {
        var probe: UInt8 = 0
        let extra = try withUnsafeMutableBytes(of: &probe) { (bytes) throws(DataError) -> Int in
            try file.read(into: bytes)
        }
        guard extra == 0 else {
            let trailing = max(1, file.size - consumed)
            throw DataError(
                kind: .malformedData, source: path,
                expected: "end of file after \(consumed) bytes (header and payload)",
                found: "\(trailing) trailing bytes")
        }
    }
}
