extension SafeTensorsFile {
    /// The bytes of a safetensors file holding `tensors` in the given order
    /// and `metadata`.
    ///
    /// The output is a pure function of the input: the header lists
    /// `"__metadata__"` first (omitted when `metadata` is empty) with its keys
    /// sorted by their UTF-8 bytes, then the tensors in order with fields
    /// `dtype`, `shape`, `data_offsets`; no whitespace; spaces pad the header
    /// so that the data starts at a multiple of 8 bytes.
    ///
    /// - Parameter path: a label for error messages only.
    /// - Throws: ``SafeTensorsError`` of kind `.invalidInput` if a name is
    ///   empty, repeated or `"__metadata__"`, a dimension is negative, a
    ///   tensor's data size is not its shape's byte size, or the header would
    ///   exceed ``maximumHeaderLength``.
    public static func encode(
        _ tensors: [TensorRecord], metadata: [String: String], path: String = "<memory>"
    ) throws(SafeTensorsError) -> [UInt8] {
        var bytes = try header(
            for: tensors.map { TensorEntry(name: $0.name, dtype: $0.dtype, shape: $0.shape, byteCount: $0.data.count) },
            metadata: metadata, path: path)
        bytes.reserveCapacity(bytes.count + tensors.reduce(0) { $0 + $1.data.count })
        for tensor in tensors {
            bytes.append(contentsOf: tensor.data)
        }
        return bytes
    }

    /// What the header says of one tensor.
    struct TensorEntry {
        var name: String
        var dtype: DType
        var shape: [Int]
        var byteCount: Int
    }

    /// The file's bytes before the tensors' data: the header-length prefix
    /// and the padded JSON header of ``encode(_:metadata:path:)``, for
    /// tensors of the given sizes laid out in order.
    static func header(
        for tensors: [TensorEntry], metadata: [String: String], path: String
    ) throws(SafeTensorsError) -> [UInt8] {
        var json: [UInt8] = []
        json.append(UInt8(ascii: "{"))
        var needsComma = false
        if !metadata.isEmpty {
            appendJSONString(metadataKey, to: &json)
            json.append(contentsOf: Array(":{".utf8))
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (position, key) in keys.enumerated() {
                if position > 0 { json.append(UInt8(ascii: ",")) }
                appendJSONString(key, to: &json)
                json.append(UInt8(ascii: ":"))
                appendJSONString(metadata[key] ?? "", to: &json)
            }
            json.append(UInt8(ascii: "}"))
            needsComma = true
        }

        var names: Set<String> = []
        var offset = 0
        for tensor in tensors {
            try checkEntry(tensor, names: &names, path: path)
            if needsComma { json.append(UInt8(ascii: ",")) }
            needsComma = true
            appendJSONString(tensor.name, to: &json)
            json.append(contentsOf: Array(":{\"dtype\":".utf8))
            appendJSONString(tensor.dtype.rawValue, to: &json)
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            let end = offset + tensor.byteCount
            json.append(contentsOf: Array(",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}".utf8))
            offset = end
        }
        json.append(UInt8(ascii: "}"))

        let paddedLength = (json.count + 7) / 8 * 8
        guard paddedLength <= maximumHeaderLength else {
            throw SafeTensorsError(
                kind: .invalidInput, path: path, location: "header",
                expected: "at most \(maximumHeaderLength) bytes", found: "\(paddedLength) bytes")
        }
        json.append(contentsOf: repeatElement(UInt8(ascii: " "), count: paddedLength - json.count))

        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefixLength + paddedLength)
        for shift in stride(from: 0, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: UInt64(paddedLength) >> UInt64(shift)))
        }
        bytes.append(contentsOf: json)
        return bytes
    }

    /// Checks one tensor for ``encode(_:metadata:path:)`` and records its name.
    private static func checkEntry(
        _ tensor: TensorEntry, names: inout Set<String>, path: String
    ) throws(SafeTensorsError) {
        let location = "tensor \(tensor.name.debugDescription)"
        guard !tensor.name.isEmpty, tensor.name != metadataKey else {
            throw SafeTensorsError(
                kind: .invalidInput, path: path, location: "tensor name",
                expected: "a non-empty name other than \(metadataKey.debugDescription)",
                found: tensor.name.debugDescription)
        }
        guard names.insert(tensor.name).inserted else {
            throw SafeTensorsError(
                kind: .invalidInput, path: path, location: location,
                expected: "a unique name", found: "a second tensor with this name")
        }
        guard let byteCount = tensor.dtype.byteCount(shape: tensor.shape) else {
            throw SafeTensorsError(
                kind: .invalidInput, path: path, location: "\(location), shape",
                expected: "non-negative dimensions whose byte size fits in 64 bits",
                found: "\(tensor.shape)")
        }
        guard byteCount == tensor.byteCount else {
            throw SafeTensorsError(
                kind: .invalidInput, path: path, location: "\(location), data",
                expected: "\(byteCount) bytes for shape \(tensor.shape) of \(tensor.dtype.rawValue)",
                found: "\(tensor.byteCount) bytes")
        }
    }

    /// Appends `text` as a JSON string literal: quotes, backslashes and
    /// control characters escaped, everything else as raw UTF-8.
    static func appendJSONString(_ text: String, to json: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        json.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                json.append(UInt8(ascii: "\\"))
                json.append(byte)
            case 0x0A: json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                json.append(contentsOf: Array("\\u00".utf8))
                json.append(hexDigits[Int(byte >> 4)])
                json.append(hexDigits[Int(byte & 0x0F)])
            default:
                json.append(byte)
            }
        }
        json.append(UInt8(ascii: "\""))
    }
}
