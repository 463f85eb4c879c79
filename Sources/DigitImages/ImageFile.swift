#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading an image file from disk: its bytes, then its pixels.
public enum ImageFile {
    /// Reads and decodes the PNG or PGM file at `path` (the format is told
    /// by the file's first bytes, not its name).
    public static func load(path: String) throws(ImageError) -> GrayImage {
        try ImageDecoder.decode(read(path: path), source: path)
    }

    /// The whole file at `path`, at most `ImageLimits.maxFileBytes` long.
    ///
    /// - Throws: `.missingInput` when the file does not exist, may not be
    ///   opened or is not a regular file; `.malformedData` when it is larger
    ///   than the limit; `.ioError` when reading fails.
    public static func read(path: String) throws(ImageError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw ImageError(
                kind: .missingInput, source: path,
                expected: code == ENOENT ? "an existing file" : "a readable file",
                found: "open failed: \(describeErrno(code))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            throw ImageError(kind: .ioError, source: path, expected: "file status", found: "fstat failed: \(describeErrno(code))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw ImageError(
                kind: .missingInput, source: path, expected: "a regular file",
                found: status.st_mode & S_IFMT == S_IFDIR ? "a directory" : "a special file")
        }
        let size = Int(status.st_size)
        guard size <= ImageLimits.maxFileBytes else {
            throw ImageError.malformed(
                path, expected: "an image file of at most \(ImageLimits.maxFileBytes >> 20) MiB", found: "\(size) bytes")
        }
        // One byte more than the size, so that a file that grew since fstat
        // is noticed rather than cut.
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        let failure: Int32? = bytes.withUnsafeMutableBytes { buffer in
            while filled < buffer.count {
                let result = systemRead(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if result > 0 {
                    filled += result
                } else if result == 0 {
                    return nil
                } else if errno != EINTR {
                    return errno
                }
            }
            return nil
        }
        if let failure {
            throw ImageError(
                kind: .ioError, source: path, expected: "readable bytes at offset \(filled)",
                found: "read failed: \(describeErrno(failure))")
        }
        guard filled <= size else {
            throw ImageError(kind: .ioError, source: path, expected: "a file of \(size) bytes", found: "one that grew while being read")
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }
}

/// The POSIX `read`.
private func systemRead(_ descriptor: Int32, _ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(descriptor, base, count)
    #else
    Darwin.read(descriptor, base, count)
    #endif
}

/// `strerror` text and the number, e.g. `No such file or directory (errno 2)`.
func describeErrno(_ code: Int32) -> String {
    "\(String(cString: strerror(code))) (errno \(code))"
}
