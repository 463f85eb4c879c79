#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over POSIX calls that retry on interruption and report
/// failures as ``SafeTensorsError``.
enum FileDescriptorIO {
    /// `"Permission denied (errno 13)"` for the given error number.
    static func describe(errno code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }

    /// An `.io` error for a failed system call, reading the current `errno`.
    static func ioError(path: String, location: String, expected: String) -> SafeTensorsError {
        SafeTensorsError(
            kind: .io, path: path, location: location, expected: expected,
            found: describe(errno: errno))
    }

    /// Fills `buffer` from file offset `offset`, stopping early only at end
    /// of file; returns the number of bytes read.
    static func read(
        _ descriptor: Int32, into buffer: inout [UInt8], at offset: Int, path: String
    ) throws(SafeTensorsError) -> Int {
        // The closure reports a failing errno rather than throwing, because
        // withUnsafeMutableBytes does not forward typed throws.
        let (total, failure): (Int, Int32?) = buffer.withUnsafeMutableBytes { raw in
            var total = 0
            while total < raw.count {
                guard let base = raw.baseAddress else { break }
                let count = pread(descriptor, base + total, raw.count - total, off_t(offset + total))
                if count < 0 {
                    if errno == EINTR { continue }
                    return (total, errno)
                }
                if count == 0 { break }
                total += count
            }
            return (total, nil)
        }
        if let failure {
            throw SafeTensorsError(
                kind: .io, path: path, location: "reading at byte \(offset + total)",
                expected: "a successful read", found: describe(errno: failure))
        }
        return total
    }

    /// Writes all of `bytes`, continuing after partial writes.
    static func writeAll(
        _ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String, location: String
    ) throws(SafeTensorsError) {
        var written = 0
        while written < bytes.count, let base = bytes.baseAddress {
            let count = write(descriptor, base + written, bytes.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                throw SafeTensorsError(
                    kind: .io, path: path, location: location,
                    expected: "all \(bytes.count) bytes written", found: describe(errno: errno))
            }
            written += count
        }
    }
}
