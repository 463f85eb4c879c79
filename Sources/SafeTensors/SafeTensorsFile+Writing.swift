extension SafeTensorsFile {
    /// Writes `tensors` (in the given order) and `metadata` to `path` as a
    /// safetensors file, atomically.
    ///
    /// The same arguments always give byte-identical files (see
    /// ``encode(_:metadata:path:)``). The file is written to a temporary file
    /// in the same directory, flushed, and renamed over `path`, so `path`
    /// holds either its previous contents or the complete new file; on any
    /// failure the temporary file is removed. A replaced file keeps its
    /// permissions; a new one gets mode 0644. A symbolic link at `path` is
    /// replaced by the new file rather than followed.
    ///
    /// - Parameter createDirectories: create `path`'s missing parent
    ///   directories instead of failing.
    /// - Throws: ``SafeTensorsError`` of kind `.invalidInput` for inconsistent
    ///   records (nothing is touched on disk), `.cannotCreate` if the parent
    ///   directory is missing (without `createDirectories`) or not a
    ///   directory or `path` is a directory, `.io` if a system call fails.
    public static func write(
        _ tensors: [TensorRecord], metadata: [String: String], to path: String,
        createDirectories: Bool = false
    ) throws(SafeTensorsError) {
        try write(tensors, metadata: metadata, to: path, createDirectories: createDirectories, failingAt: nil)
    }

    /// ``write(_:metadata:to:createDirectories:)`` with a failure injected
    /// at `stage`, for testing the clean-up.
    static func write(
        _ tensors: [TensorRecord], metadata: [String: String], to path: String,
        createDirectories: Bool, failingAt stage: AtomicFileReplacement.Stage?
    ) throws(SafeTensorsError) {
        let bytes = try encode(tensors, metadata: metadata, path: path)
        try AtomicFileReplacement.replace(
            path, with: bytes, createDirectories: createDirectories, failingAt: stage)
    }

    /// Writes `tensors` (in the given order) and `metadata` to `path` as
    /// ``write(_:metadata:to:createDirectories:)`` does for records, the
    /// same bytes for the same contents, but straight from the views'
    /// memory: the file's image is never assembled in memory.
    public static func write(
        _ tensors: [TensorView], metadata: [String: String], to path: String,
        createDirectories: Bool = false
    ) throws(SafeTensorsError) {
        try write(tensors, metadata: metadata, to: path, createDirectories: createDirectories, failingAt: nil)
    }

    /// The views' ``write(_:metadata:to:createDirectories:)`` with a
    /// failure injected at `stage`, for testing the clean-up.
    static func write(
        _ tensors: [TensorView], metadata: [String: String], to path: String,
        createDirectories: Bool, failingAt stage: AtomicFileReplacement.Stage?
    ) throws(SafeTensorsError) {
        let header = try header(
            for: tensors.map { TensorEntry(name: $0.name, dtype: $0.dtype, shape: $0.shape, byteCount: $0.bytes.count) },
            metadata: metadata, path: path)
        let result = header.withUnsafeBytes { raw in
            Result { () throws(SafeTensorsError) in
                try AtomicFileReplacement.replace(
                    path, writing: [raw] + tensors.map(\.bytes), createDirectories: createDirectories,
                    failingAt: stage)
            }
        }
        try result.get()
    }
}
