/// Checks a parsed safetensors header field by field and turns it into
/// metadata and tensor descriptions.
struct HeaderValidator {
    /// The file named in error messages.
    let path: String
    /// The number of bytes after the header, which the tensors must tile.
    let dataSize: Int

    /// The fields every tensor entry has, and the only ones it may have.
    private static let tensorFields: Set<String> = ["dtype", "shape", "data_offsets"]

    /// The checked contents of a header.
    struct Contents {
        var metadata: [String: String]
        /// In data order.
        var tensors: [TensorInfo]
    }

    /// Parses the header text and validates it; see
    /// ``SafeTensorsFile/decode(_:path:)`` for the list of checks.
    func validate(_ header: [UInt8]) throws(SafeTensorsError) -> Contents {
        let root: HeaderJSONValue
        do {
            root = try HeaderJSONParser.parse(header)
        } catch {
            throw malformed(
                "header JSON at file byte \(SafeTensorsFile.prefixLength + error.offset)",
                expected: error.expected, found: error.found)
        }
        guard case let .object(members) = root else {
            throw malformed("header", expected: "a JSON object", found: root.summary)
        }
        var metadata: [String: String]?
        var tensors: [TensorInfo] = []
        var seenNames: Set<String> = []
        for (key, value) in members {
            if key == SafeTensorsFile.metadataKey {
                guard metadata == nil else {
                    throw malformed(key.debugDescription, expected: "at most one metadata object", found: "a second one")
                }
                metadata = try validateMetadata(value)
                continue
            }
            guard !key.isEmpty else {
                throw malformed("tensor name", expected: "a non-empty name", found: "\"\"")
            }
            guard seenNames.insert(key).inserted else {
                throw malformed(
                    "tensor \(key.debugDescription)", expected: "a unique name",
                    found: "a second entry with this name")
            }
            tensors.append(try validateTensor(named: key, value))
        }
        return Contents(metadata: metadata ?? [:], tensors: try validateLayout(tensors))
    }

    private func malformed(_ location: String, expected: String, found: String) -> SafeTensorsError {
        SafeTensorsError(kind: .malformed, path: path, location: location, expected: expected, found: found)
    }

    private func validateMetadata(_ value: HeaderJSONValue) throws(SafeTensorsError) -> [String: String] {
        let location = SafeTensorsFile.metadataKey.debugDescription
        guard case let .object(members) = value else {
            throw malformed(location, expected: "an object of strings", found: value.summary)
        }
        var metadata: [String: String] = [:]
        for (key, entry) in members {
            guard case let .string(text) = entry else {
                throw malformed(
                    "\(location), key \(key.debugDescription)", expected: "a string value",
                    found: entry.summary)
            }
            guard metadata.updateValue(text, forKey: key) == nil else {
                throw malformed(
                    "\(location), key \(key.debugDescription)", expected: "a unique key",
                    found: "a second entry with this key")
            }
        }
        return metadata
    }

    private func validateTensor(named name: String, _ value: HeaderJSONValue) throws(SafeTensorsError) -> TensorInfo {
        let location = "tensor \(name.debugDescription)"
        guard case let .object(fields) = value else {
            throw malformed(location, expected: "an object with dtype, shape and data_offsets", found: value.summary)
        }
        var given: [String: HeaderJSONValue] = [:]
        for (field, fieldValue) in fields {
            let fieldLocation = "\(location), field \(field.debugDescription)"
            guard Self.tensorFields.contains(field) else {
                throw malformed(
                    fieldLocation, expected: "only the fields dtype, shape and data_offsets",
                    found: "an unknown field")
            }
            guard given.updateValue(fieldValue, forKey: field) == nil else {
                throw malformed(fieldLocation, expected: "a field given once", found: "a second entry")
            }
        }

        guard let dtypeValue = given["dtype"] else { throw missingField("dtype", in: location) }
        guard let shapeValue = given["shape"] else { throw missingField("shape", in: location) }
        guard let offsetsValue = given["data_offsets"] else { throw missingField("data_offsets", in: location) }

        let dtypeLocation = "\(location), field \"dtype\""
        guard case let .string(dtypeName) = dtypeValue else {
            throw malformed(dtypeLocation, expected: "a dtype string", found: dtypeValue.summary)
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
            throw malformed(dtypeLocation, expected: "one of \(known)", found: dtypeValue.summary)
        }

        let shapeLocation = "\(location), field \"shape\""
        let shape = try integers(shapeValue, at: shapeLocation, count: nil)
        guard let byteCount = dtype.byteCount(shape: shape) else {
            throw malformed(
                shapeLocation, expected: "a shape whose size in bytes fits in 64 bits",
                found: "\(shape) of \(dtype.rawValue)")
        }

        let offsetsLocation = "\(location), field \"data_offsets\""
        let offsets = try integers(offsetsValue, at: offsetsLocation, count: 2)
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else {
            throw malformed(offsetsLocation, expected: "begin <= end", found: "[\(begin), \(end)]")
        }
        guard end <= dataSize else {
            throw malformed(
                offsetsLocation, expected: "offsets within the \(dataSize)-byte data buffer",
                found: "[\(begin), \(end)]")
        }
        guard end - begin == byteCount else {
            throw malformed(
                offsetsLocation,
                expected: "\(byteCount) bytes for shape \(shape) of \(dtype.rawValue)",
                found: "[\(begin), \(end)], \(end - begin) bytes")
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    private func missingField(_ field: String, in location: String) -> SafeTensorsError {
        malformed("\(location), field \"\(field)\"", expected: "a \(field) field", found: "none")
    }

    /// The non-negative integers of a JSON array, which must have `count`
    /// items if given.
    private func integers(
        _ value: HeaderJSONValue, at location: String, count: Int?
    ) throws(SafeTensorsError) -> [Int] {
        let wanted = count.map { "an array of \($0) non-negative integers" } ?? "an array of non-negative integers"
        guard case let .array(items) = value, count == nil || items.count == count else {
            throw malformed(location, expected: wanted, found: value.summary)
        }
        var result: [Int] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            // Only plain digit strings are integers: "1.0", "1e3" and "-1" are not.
            guard case let .number(text) = item, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw malformed("\(location), item \(index)", expected: "a non-negative integer", found: item.summary)
            }
            guard let integer = Int(text) else {
                throw malformed("\(location), item \(index)", expected: "an integer at most \(Int.max)", found: item.summary)
            }
            result.append(integer)
        }
        return result
    }

    /// The tensors in data order, after checking that their byte ranges tile
    /// `0..<dataSize` exactly.
    private func validateLayout(_ tensors: [TensorInfo]) throws(SafeTensorsError) -> [TensorInfo] {
        let ordered = tensors.enumerated().sorted { lhs, rhs in
            (lhs.element.dataOffsets.lowerBound, lhs.element.dataOffsets.upperBound, lhs.offset)
                < (rhs.element.dataOffsets.lowerBound, rhs.element.dataOffsets.upperBound, rhs.offset)
        }.map(\.element)
        var expectedBegin = 0
        var previous: TensorInfo?
        for tensor in ordered {
            let begin = tensor.dataOffsets.lowerBound
            let location = "tensor \(tensor.name.debugDescription), field \"data_offsets\""
            let after = previous.map { "after tensor \($0.name.debugDescription)" } ?? "at the start of the data"
            if begin > expectedBegin {
                throw malformed(
                    location, expected: "data beginning at byte \(expectedBegin), \(after)",
                    found: "begin \(begin), leaving a hole of \(begin - expectedBegin) bytes")
            }
            if begin < expectedBegin {
                throw malformed(
                    location, expected: "data beginning at byte \(expectedBegin), \(after)",
                    found: "begin \(begin), overlapping it by \(expectedBegin - begin) bytes")
            }
            expectedBegin = tensor.dataOffsets.upperBound
            previous = tensor
        }
        if expectedBegin != dataSize {
            throw malformed(
                "data buffer", expected: "tensors covering all \(dataSize) bytes after the header",
                found: "\(dataSize - expectedBegin) trailing bytes after the last tensor")
        }
        return ordered
    }
}
