#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file's contents so that, after a crash or an error, the file
/// holds either its old contents or the new ones, never a mixture.
///
/// The bytes go to a uniquely named temporary file in the destination's
/// directory, which is written in full and flushed with `fsync`, then
/// renamed over the destination; finally the directory is flushed so the
/// rename itself is durable. Any failure before the rename removes the
/// temporary file and leaves the destination untouched.
///
/// The temporary file is named `.<name>.tmp-<pid>-<random>` and locked
/// (`flock`) while it is written. A process killed mid-write leaves it
/// behind; the next replacement of the same path removes it once its
/// writer is gone (no such process, and the lock is free), so a file a
/// live writer is still filling is never touched.
enum AtomicFileReplacement {
    /// A point at which a test can make the replacement fail, to check the
    /// clean-up that follows a real failure there.
    enum Stage: Sendable {
        /// After the temporary file has been written, before `fsync`.
        case afterWrite
        /// After the temporary file has been closed, before `rename`.
        case beforeRename
    }

    /// Writes `bytes` to `path` atomically.
    ///
    /// - Parameters:
    ///   - createDirectories: create missing parent directories (like
    ///     `mkdir -p`, mode 0755) instead of failing.
    ///   - failure: for tests only; fail with an `.io` error at this stage.
    /// - Throws: ``SafeTensorsError`` of kind `.cannotCreate` if the path has
    ///   no file name, its directory is missing (and `createDirectories` is
    ///   false) or is not a directory, or the destination is a directory;
    ///   `.io` if a system call fails.
    static func replace(
        _ path: String, with bytes: [UInt8], createDirectories: Bool, failingAt failure: Stage? = nil
    ) throws(SafeTensorsError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(SafeTensorsError) in
                try replace(path, writing: [raw], createDirectories: createDirectories, failingAt: failure)
            }
        }
        try result.get()
    }

    /// `replace(_:with:createDirectories:failingAt:)` for a file whose
    /// contents are `chunks`, one after the other.
    static func replace(
        _ path: String, writing chunks: [UnsafeRawBufferPointer], createDirectories: Bool,
        failingAt failure: Stage? = nil
    ) throws(SafeTensorsError) {
        let (directory, fileName) = try split(path)
        try prepareDirectory(directory, for: path, create: createDirectories)

        var mode: mode_t = 0o644
        var status = stat()
        if stat(path, &status) == 0 {
            guard status.st_mode & S_IFMT != S_IFDIR else {
                throw SafeTensorsError(
                    kind: .cannotCreate, path: path, location: "destination",
                    expected: "a regular file or no file", found: "a directory")
            }
            // A replaced file keeps its permissions.
            mode = status.st_mode & 0o7777
        }

        removeStaleTemporaryFiles(directory: directory, fileName: fileName)
        var template = Array("\(directory)/\(temporaryPrefix(fileName))\(getpid())-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else {
            throw FileDescriptorIO.ioError(
                path: path, location: "creating a temporary file in \(directory.debugDescription)",
                expected: "a new file")
        }
        let temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Held until the descriptor closes (or the process dies): it tells
        // a cleaner in another process that this file is in use.
        _ = flock(descriptor, LOCK_EX | LOCK_NB)
        TemporaryFileObserver.current?(temporaryPath)
        defer { TemporaryFileObserver.current?(nil) }

        var descriptorIsOpen = true
        do throws(SafeTensorsError) {
            let location = "temporary file \(temporaryPath.debugDescription)"
            guard fchmod(descriptor, mode) == 0 else {
                throw FileDescriptorIO.ioError(path: path, location: location, expected: "permissions set")
            }
            for chunk in chunks {
                try FileDescriptorIO.writeAll(descriptor, chunk, path: path, location: location)
            }
            if failure == .afterWrite { throw injected(path: path, location: location) }
            guard fsync(descriptor) == 0 else {
                throw FileDescriptorIO.ioError(path: path, location: location, expected: "data flushed to disk")
            }
            descriptorIsOpen = false
            guard close(descriptor) == 0 else {
                throw FileDescriptorIO.ioError(path: path, location: location, expected: "file closed")
            }
            if failure == .beforeRename { throw injected(path: path, location: location) }
            guard rename(temporaryPath, path) == 0 else {
                throw FileDescriptorIO.ioError(
                    path: path, location: "renaming \(temporaryPath.debugDescription) over the destination",
                    expected: "the destination replaced")
            }
        } catch {
            if descriptorIsOpen { close(descriptor) }
            unlink(temporaryPath)
            throw error
        }
        try syncDirectory(directory, for: path)
    }

    /// The start of every temporary file name for `fileName`.
    static func temporaryPrefix(_ fileName: String) -> String { ".\(fileName).tmp-" }

    /// Removes the temporary files for `path` that killed writers left
    /// behind; see the type's documentation for how a live writer's file
    /// is told apart. Failures are ignored: a leftover file does no harm.
    static func removeStaleTemporaryFiles(for path: String) {
        guard let (directory, fileName) = try? split(path) else { return }
        removeStaleTemporaryFiles(directory: directory, fileName: fileName)
    }

    private static func removeStaleTemporaryFiles(directory: String, fileName: String) {
        let prefix = temporaryPrefix(fileName)
        guard let stream = opendir(directory) else { return }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(prefix) { names.append(name) }
        }
        closedir(stream)
        for name in names where isStale(String(name.dropFirst(prefix.count)), in: directory, name: name) {
            let candidate = "\(directory)/\(name)"
            let descriptor = open(candidate, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
            guard descriptor >= 0 else { continue }
            var status = stat()
            // Only a regular file whose lock is free: a writer holds it.
            if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
               flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                unlink(candidate)
            }
            close(descriptor)
        }
    }

    /// Whether a temporary name's tail (`<pid>-<random>`) names a writer
    /// that no longer runs. A tail of six random characters alone comes
    /// from versions that did not record the writer; such a file is stale
    /// once it is ten minutes old (a write takes well under a second).
    private static func isStale(_ tail: String, in directory: String, name: String) -> Bool {
        let parts = tail.split(separator: "-", maxSplits: 1)
        if parts.count == 1, tail.utf8.count == 6 {
            var status = stat()
            guard stat("\(directory)/\(name)", &status) == 0 else { return false }
            return time(nil) - status.st_mtim.tv_sec > 600
        }
        guard parts.count == 2, parts[1].utf8.count == 6, let pid = pid_t(parts[0]), pid > 0 else { return false }
        if pid == getpid() { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// The directory part (`"."` if none) and the file name of `path`.
    static func split(_ path: String) throws(SafeTensorsError) -> (directory: String, fileName: String) {
        let fileName: Substring
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            fileName = path[path.index(after: slash)...]
            let parent = path[..<slash]
            directory = parent.isEmpty ? "/" : String(parent)
        } else {
            fileName = Substring(path)
            directory = "."
        }
        guard !fileName.isEmpty, fileName != ".", fileName != ".." else {
            throw SafeTensorsError(
                kind: .cannotCreate, path: path, location: "destination",
                expected: "a path ending in a file name", found: path.debugDescription)
        }
        return (directory, String(fileName))
    }

    /// Checks that `directory` exists and is a directory, creating it and
    /// its missing ancestors if `create` is set.
    private static func prepareDirectory(
        _ directory: String, for path: String, create: Bool
    ) throws(SafeTensorsError) {
        let location = "directory \(directory.debugDescription)"
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw SafeTensorsError(
                    kind: .cannotCreate, path: path, location: location,
                    expected: "a directory", found: "a file that is not a directory")
            }
            return
        }
        let code = errno
        guard code == ENOENT, create else {
            let found = code == ENOENT
                ? "no such directory (pass createDirectories: true to create it)"
                : FileDescriptorIO.describe(errno: code)
            throw SafeTensorsError(
                kind: .cannotCreate, path: path, location: location,
                expected: "an existing directory", found: found)
        }
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
            prefix += component
            guard mkdir(prefix, 0o755) == 0 || errno == EEXIST else {
                throw FileDescriptorIO.ioError(
                    path: path, location: "creating directory \(prefix.debugDescription)",
                    expected: "a new directory")
            }
        }
        guard stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw SafeTensorsError(
                kind: .cannotCreate, path: path, location: location,
                expected: "a directory after creating it", found: "a path component that is not a directory")
        }
    }

    /// Flushes `directory` so that a rename inside it survives a crash.
    private static func syncDirectory(_ directory: String, for path: String) throws(SafeTensorsError) {
        let location = "directory \(directory.debugDescription)"
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FileDescriptorIO.ioError(
                path: path, location: location,
                expected: "the directory opened to flush the rename (the new file is in place)")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw FileDescriptorIO.ioError(
                path: path, location: location,
                expected: "the rename flushed to disk (the new file is in place)")
        }
    }

    private static func injected(path: String, location: String) -> SafeTensorsError {
        SafeTensorsError(
            kind: .io, path: path, location: location, expected: "a successful write",
            found: "a failure injected for testing")
    }
}
