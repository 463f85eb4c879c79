import CZlib

/// A gzip-compressed IDX file, inflated by zlib as it is read.
///
/// Compressed input is read in chunks of `chunkSize` bytes and inflated
/// straight into the caller's buffer, so only one chunk of compressed data
/// is held at a time. zlib checks the trailer's CRC-32 and ISIZE once the
/// member ends. Anything after the first gzip member — a second member or
/// stray bytes — is rejected, since IDX files are single members.
final class GzipIDXStream: IDXByteStream {
    /// Compressed bytes read per system call.
    static let chunkSize = 1 << 20
    /// Deflate cannot expand data by more than 1032:1 (one 258-byte match
    /// per two bits), which bounds the decoded size of a file of known size.
    static let maximumExpansion = 1032

    private let file: any IDXInput
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var inputExhausted = false
    private var ended = false
    /// Decoded bytes produced so far.
    private var produced = 0

    /// Prepares to inflate `file`, whose first bytes are the gzip magic.
    ///
    /// - Throws: `.ioError` if zlib cannot be initialised.
    init(file: any IDXInput) throws(DataError) {
        self.file = file
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: max(1, min(Self.chunkSize, file.size)), alignment: 16)
        // 15 + 16: the largest window, and accept only a gzip wrapper.
        let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            throw DataError(
                kind: .ioError, source: file.path, expected: "zlib to initialise",
                found: "inflateInit2 status \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    var path: String { file.path }

    var remainingBound: (bytes: Int, reason: String) {
        let (total, overflow) = file.size.multipliedReportingOverflow(by: Self.maximumExpansion)
        let bound = overflow ? Int.max : total
        return (max(0, bound - produced),
                "deflate expands at most \(Self.maximumExpansion):1 and the file holds \(file.size) compressed bytes")
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count && !ended {
            if stream.pointee.avail_in == 0 && !inputExhausted {
                try refill()
            }
            // avail_out is 32 bits wide.
            let window = min(buffer.count - filled, Int(UInt32.max))
            stream.pointee.next_out = (base + filled).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(window)
            let status = inflate(stream, Z_NO_FLUSH)
            let written = window - Int(stream.pointee.avail_out)
            filled += written
            produced += written
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                ended = true
            case Z_BUF_ERROR where inputExhausted && stream.pointee.avail_in == 0:
                throw DataError(
                    kind: .malformedData, source: path,
                    expected: "a complete gzip member",
                    found: "end of file after \(file.size) compressed bytes (truncated; \(produced) bytes decompressed)")
            default:
                throw inflateFailure(status)
            }
        }
        return filled
    }

    func expectEnd(consumed: Int) throws(DataError) {
        // Inflating to the end of the member makes zlib check the trailer.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { scratch.deallocate() }
        var extra = 0
        while !ended {
            extra += try read(into: scratch)
        }
        guard extra == 0 else {
            throw DataError(
                kind: .malformedData, source: path,
                expected: "end of decompressed data after \(consumed) bytes (header and payload)",
                found: "\(extra) trailing bytes")
        }
        let memberEnd = file.offset - Int(stream.pointee.avail_in)
        guard memberEnd == file.size else {
            throw DataError(
                kind: .malformedData, source: path,
                expected: "end of file after the gzip member ending at byte \(memberEnd)",
                found: "\(file.size - memberEnd) more bytes")
        }
    }

    /// Reads the next compressed chunk into `input`.
    private func refill() throws(DataError) {
        let count = try file.read(into: input)
        inputExhausted = count < input.count || file.offset >= file.size
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = UInt32(count)
    }

    /// The error for an inflate status other than progress or end.
    private func inflateFailure(_ status: Int32) -> DataError {
        let message = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
        let expected: String
        switch message {
        case "incorrect data check":
            expected = "a gzip trailer CRC-32 matching the decompressed data"
        case "incorrect length check":
            expected = "a gzip trailer ISIZE matching the decompressed length"
        default:
            expected = "valid gzip data"
        }
        let kind: DataError.Kind = status == Z_MEM_ERROR ? .ioError : .malformedData
        return DataError(
            kind: kind, source: path, expected: expected,
            found: "zlib error \"\(message)\" after \(produced) decompressed bytes")
    }
}
