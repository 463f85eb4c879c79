/// Tells a program which temporary file an atomic write is filling, so
/// that it can remove it if the process must end in the middle (a second
/// Ctrl-C, say).
///
/// `current` is called with the temporary path right after the file is
/// created and with nil once it has been renamed or removed. Set it once,
/// at start-up, before any file is written.
public enum TemporaryFileObserver {
    nonisolated(unsafe) public static var current: ((String?) -> Void)?
}

extension SafeTensorsFile {
    /// Removes the temporary files that writers of `path` killed in the
    /// middle of a write left in its folder. A file whose writer still runs
    /// is left alone. Every atomic write does this too; call it to clean up
    /// before a long run's first write.
    public static func removeStaleTemporaryFiles(for path: String) {
        AtomicFileReplacement.removeStaleTemporaryFiles(for: path)
    }
}
