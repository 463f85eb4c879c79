extension SafeTensorsFile {
    /// Validates and decodes the complete bytes of a safetensors file.
    ///
    /// Checks, in order: at least 8 bytes; a header length within
    /// ``maximumHeaderLength`` and within the file; a header that is a
    /// strict JSON object (trailing spaces allowed); for each tensor a
    /// non-empty unique name, exactly the fields `dtype`, `shape` and
    /// `data_offsets`, a known dtype, non-negative integer dimensions whose
    /// byte size fits in `Int`, and integer offsets `[begin, end]` with
    /// `begin <= end <= data size` and `end - begin` equal to that byte size;
    /// a `"__metadata__"` object (at most one) of string values; finally that
    /// the tensors' data tiles the data buffer exactly, with no hole, overlap
    /// or trailing byte. It never traps, whatever the bytes.
    ///
    /// - Parameter path: a label for error messages; nothing is read from it.
    /// - Throws: ``SafeTensorsError`` of kind `.malformed` naming the first
    ///   check that failed.
    public static func decode(_ bytes: [UInt8], path: String) throws(SafeTensorsError) -> SafeTensorsArchive {
        let headerLength = try validatedHeaderLength(prefix: bytes, fileSize: bytes.count, path: path)
        let dataStart = prefixLength + headerLength
        let header = Array(bytes[prefixLength..<dataStart])
        let parsed = try HeaderValidator(path: path, dataSize: bytes.count - dataStart).validate(header)
        return SafeTensorsArchive(
            path: path, metadata: parsed.metadata, tensors: parsed.tensors,
            storage: bytes, dataStart: dataStart)
    }

    /// The header length `N` encoded in the first 8 bytes of `prefix`,
    /// checked against ``maximumHeaderLength`` and the file size before
    /// anything of that size is allocated.
    ///
    /// - Parameters:
    ///   - prefix: the file's first bytes (any number; fewer than 8 is an error).
    ///   - fileSize: the size of the whole file.
    static func validatedHeaderLength(
        prefix: [UInt8], fileSize: Int, path: String
    ) throws(SafeTensorsError) -> Int {
        guard prefix.count >= prefixLength, fileSize >= prefixLength else {
            throw SafeTensorsError(
                kind: .malformed, path: path, location: "header length",
                expected: "at least 8 bytes holding the header length",
                found: "a file of \(fileSize) byte\(fileSize == 1 ? "" : "s")")
        }
        var length: UInt64 = 0
        for index in (0..<prefixLength).reversed() {
            length = length << 8 | UInt64(prefix[index])
        }
        guard length <= UInt64(maximumHeaderLength) else {
            throw SafeTensorsError(
                kind: .malformed, path: path, location: "header length",
                expected: "at most \(maximumHeaderLength) bytes", found: "\(length)")
        }
        let available = fileSize - prefixLength
        guard length <= UInt64(available) else {
            throw SafeTensorsError(
                kind: .malformed, path: path, location: "header length",
                expected: "at most \(available) bytes (the file size minus 8)",
                found: "\(length)")
        }
        return Int(length)
    }
}
