#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeTensorsFile {
    /// Reads and validates the safetensors file at `path`.
    ///
    /// The header length is checked against the file size before the file
    /// is loaded, so a corrupt length never causes a large allocation. See
    /// ``decode(_:path:)`` for the checks made on the contents.
    ///
    /// - Throws: ``SafeTensorsError`` of kind `.missingFile` if `path` does
    ///   not exist, is not a regular file or cannot be opened; `.malformed`
    ///   if the contents are invalid; `.io` if reading fails or the file
    ///   changes size while being read.
    public static func read(path: String) throws(SafeTensorsError) -> SafeTensorsArchive {
        // Non-blocking so that opening a FIFO fails the regular-file check below
        // instead of waiting for a writer.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            let kind: SafeTensorsError.Kind = (code == ENOENT || code == EACCES || code == ENOTDIR || code == EPERM)
                ? .missingFile : .io
            throw SafeTensorsError(
                kind: kind, path: path, location: "opening for reading",
                expected: "an existing, readable file", found: FileDescriptorIO.describe(errno: code))
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FileDescriptorIO.ioError(path: path, location: "fstat", expected: "the file's size")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            let found = status.st_mode & S_IFMT == S_IFDIR ? "a directory" : "a special file"
            throw SafeTensorsError(
                kind: .missingFile, path: path, location: "opening for reading",
                expected: "a regular file", found: found)
        }
        let fileSize = Int(status.st_size)

        var prefix = [UInt8](repeating: 0, count: min(prefixLength, fileSize))
        let prefixRead = try FileDescriptorIO.read(descriptor, into: &prefix, at: 0, path: path)
        _ = try validatedHeaderLength(prefix: Array(prefix.prefix(prefixRead)), fileSize: fileSize, path: path)

        var bytes = [UInt8](repeating: 0, count: fileSize)
        let count = try FileDescriptorIO.read(descriptor, into: &bytes, at: 0, path: path)
        // Only a file that shrank after fstat reads short; one that grew has
        // extra bytes after what was read, so probe for them too.
        var probe: [UInt8] = [0]
        let extra = try FileDescriptorIO.read(descriptor, into: &probe, at: fileSize, path: path)
        guard count == fileSize, extra == 0 else {
            throw SafeTensorsError(
                kind: .io, path: path, location: "reading",
                expected: "\(fileSize) bytes, the size reported by fstat",
                found: extra == 0 ? "\(count) bytes" : "more bytes; the file changed while being read")
        }
        return try decode(bytes, path: path)
    }
}
