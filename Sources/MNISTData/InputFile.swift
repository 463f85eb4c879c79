#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open regular file read front to back with POSIX calls, turning every
/// failure into a `DataError` naming the file.
final class InputFile {
    /// The path as the caller gave it, used in error messages.
    let path: String
    /// File size in bytes at the time it was opened.
    let size: Int
    /// Bytes handed out by `read(into:)` so far.
    private(set) var offset = 0
    private let descriptor: Int32

    /// Opens `path` for reading.
    ///
    /// - Throws: `.missingInput` if the file does not exist, may not be
    ///   opened or is not a regular file; `.ioError` if `fstat` fails.
    init(path: String) throws(DataError) {
        self.path = path
        // Non-blocking, so that a FIFO fails the regular-file check below
        // instead of waiting for a writer.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            let expected = code == ENOENT ? "an existing file" : "a readable file"
            throw DataError(
                kind: .missingInput, source: path, expected: expected,
                found: "open failed: \(describeErrno(code))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw DataError(
                kind: .ioError, source: path, expected: "file status",
                found: "fstat failed: \(describeErrno(code))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            let found = status.st_mode & S_IFMT == S_IFDIR ? "a directory" : "a special file"
            throw DataError(
                kind: .missingInput, source: path, expected: "a regular file", found: found)
        }
        self.descriptor = descriptor
        self.size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Copies up to `buffer.count` bytes from absolute `position` without
    /// moving the read position; returns how many were available.
    ///
    /// - Throws: `.ioError` if the system call fails.
    func peek(into buffer: UnsafeMutableRawBufferPointer, at position: Int) throws(DataError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        while true {
            let result = pread(descriptor, base, buffer.count, off_t(position))
            if result >= 0 { return result }
            if errno != EINTR {
                let code = errno
                throw DataError(
                    kind: .ioError, source: path, expected: "readable bytes at offset \(position)",
                    found: "read failed: \(describeErrno(code))")
            }
        }
    }

    /// Fills `buffer` from the current position; returns fewer bytes than
    /// `buffer.count` only at end of file.
    ///
    /// - Throws: `.ioError` if the system call fails.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            // Linux transfers at most about 2 GiB per call.
            let request = min(buffer.count - filled, 1 << 30)
            let result = systemRead(descriptor, base + filled, request)
            if result > 0 {
                filled += result
            } else if result == 0 {
                break
            } else if errno != EINTR {
                let code = errno
                throw DataError(
                    kind: .ioError, source: path, expected: "readable bytes at offset \(offset + filled)",
                    found: "read failed: \(describeErrno(code))")
            }
        }
        offset += filled
        return filled
    }
}

/// The POSIX `read`, named apart from `InputFile.read(into:)`.
private func systemRead(_ descriptor: Int32, _ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, base, count)
    #else
    Darwin.read(descriptor, base, count)
    #endif
}

/// `strerror` text plus the symbolic number, e.g. `No such file or directory (errno 2)`.
func describeErrno(_ code: Int32) -> String {
    "\(String(cString: strerror(code))) (errno \(code))"
}
