/// The undecoded bytes of an IDX file, read front to back: an open file
/// (`InputFile`) or bytes already in memory (`MemoryInput`).
protocol IDXInput: AnyObject {
    /// The path (or label) named in error messages.
    var path: String { get }
    /// Total size in bytes.
    var size: Int { get }
    /// Bytes handed out by `read(into:)` so far.
    var offset: Int { get }

    /// Fills `buffer` from the current position; returns fewer bytes than
    /// `buffer.count` only at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int

    /// Copies up to `buffer.count` bytes from absolute `position` without
    /// moving the read position; returns how many were available.
    func peek(into buffer: UnsafeMutableRawBufferPointer, at position: Int) throws(DataError) -> Int
}

extension InputFile: IDXInput {}

/// IDX bytes held in memory, labelled with a name for error messages.
final class MemoryInput: IDXInput {
    let path: String
    private let bytes: [UInt8]
    private(set) var offset = 0

    /// Wraps `bytes`; `label` stands for the path in errors.
    init(bytes: [UInt8], label: String) {
        self.bytes = bytes
        self.path = label
    }

    var size: Int { bytes.count }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
        let count = copy(into: buffer, at: offset)
        offset += count
        return count
    }

    func peek(into buffer: UnsafeMutableRawBufferPointer, at position: Int) throws(DataError) -> Int {
        copy(into: buffer, at: position)
    }

    /// Copies what `bytes` holds from `position` on, at most `buffer.count`.
    private func copy(into buffer: UnsafeMutableRawBufferPointer, at position: Int) -> Int {
        let count = max(0, min(buffer.count, bytes.count - position))
        guard count > 0, let destination = buffer.baseAddress else { return 0 }
        return bytes.withUnsafeBytes { source in
            guard let start = source.baseAddress else { return 0 }
            destination.copyMemory(from: start + position, byteCount: count)
            return count
        }
    }
}
