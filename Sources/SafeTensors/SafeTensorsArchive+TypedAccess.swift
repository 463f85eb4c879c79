extension SafeTensorsArchive {
    /// The description of the tensor called `name`.
    ///
    /// - Throws: ``SafeTensorsError`` of kind `.malformed` if there is no such
    ///   tensor; the message lists the names that do exist.
    public func tensor(_ name: String) throws(SafeTensorsError) -> TensorInfo {
        guard let position = indexByName[name] else {
            let known = names.prefix(8).map(\.debugDescription).joined(separator: ", ")
            let more = names.count > 8 ? ", …" : ""
            throw SafeTensorsError(
                kind: .malformed, path: path, location: "tensor \(name.debugDescription)",
                expected: "a tensor with this name (the file has \(names.count): \(known)\(more))",
                found: "none")
        }
        return tensors[position]
    }

    /// The raw little-endian bytes of the tensor called `name`, whatever its
    /// dtype.
    ///
    /// - Throws: ``SafeTensorsError`` of kind `.malformed` if there is no such tensor.
    public func rawBytes(_ name: String) throws(SafeTensorsError) -> [UInt8] {
        let info = try tensor(name)
        return Array(storage[(dataStart + info.dataOffsets.lowerBound)..<(dataStart + info.dataOffsets.upperBound)])
    }

    /// The elements of the `F32` tensor called `name`, bit for bit.
    ///
    /// - Parameter shape: if given, the shape the tensor must have.
    /// - Throws: ``SafeTensorsError`` of kind `.malformed` if there is no such
    ///   tensor, its dtype is not `F32`, or its shape differs from `shape`.
    public func floats(_ name: String, shape: [Int]? = nil) throws(SafeTensorsError) -> [Float] {
        try elements(name, shape: shape)
    }

    /// The elements of the `F64` tensor called `name`, bit for bit.
    ///
    /// - Parameter shape: if given, the shape the tensor must have.
    /// - Throws: ``SafeTensorsError`` of kind `.malformed` if there is no such
    ///   tensor, its dtype is not `F64`, or its shape differs from `shape`.
    public func doubles(_ name: String, shape: [Int]? = nil) throws(SafeTensorsError) -> [Double] {
        try elements(name, shape: shape)
    }

    /// The elements of the `I32` tensor called `name`.
    ///
    /// - Parameter shape: if given, the shape the tensor must have.
    /// - Throws: ``SafeTensorsError`` of kind `.malformed` if there is no such
    ///   tensor, its dtype is not `I32`, or its shape differs from `shape`.
    public func int32s(_ name: String, shape: [Int]? = nil) throws(SafeTensorsError) -> [Int32] {
        try elements(name, shape: shape)
    }

    /// The elements of the `I64` tensor called `name`.
    ///
    /// - Parameter shape: if given, the shape the tensor must have.
    /// - Throws: ``SafeTensorsError`` of kind `.malformed` if there is no such
    ///   tensor, its dtype is not `I64`, or its shape differs from `shape`.
    public func int64s(_ name: String, shape: [Int]? = nil) throws(SafeTensorsError) -> [Int64] {
        try elements(name, shape: shape)
    }

    /// The elements of the `U8` tensor called `name`.
    ///
    /// - Parameter shape: if given, the shape the tensor must have.
    /// - Throws: ``SafeTensorsError`` of kind `.malformed` if there is no such
    ///   tensor, its dtype is not `U8`, or its shape differs from `shape`.
    public func uint8s(_ name: String, shape: [Int]? = nil) throws(SafeTensorsError) -> [UInt8] {
        try elements(name, shape: shape)
    }

    func elements<Element: LittleEndianElement>(
        _ name: String, shape: [Int]?
    ) throws(SafeTensorsError) -> [Element] {
        let info = try tensor(name)
        let location = "tensor \(name.debugDescription)"
        guard info.dtype == Element.dtype else {
            throw SafeTensorsError(
                kind: .malformed, path: path, location: "\(location), field \"dtype\"",
                expected: "\(Element.dtype.rawValue) (read as [\(Element.self)])",
                found: info.dtype.rawValue)
        }
        if let shape, shape != info.shape {
            throw SafeTensorsError(
                kind: .malformed, path: path, location: "\(location), field \"shape\"",
                expected: "\(shape)", found: "\(info.shape)")
        }
        let range = (dataStart + info.dataOffsets.lowerBound)..<(dataStart + info.dataOffsets.upperBound)
        return storage.withUnsafeBytes { whole in
            Element.elements(fromLittleEndian: UnsafeRawBufferPointer(rebasing: whole[range]))
        }
    }
}
