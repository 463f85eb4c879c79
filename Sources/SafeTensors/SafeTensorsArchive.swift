/// The validated contents of a safetensors file: its metadata, its tensors'
/// descriptions and their data.
///
/// An archive only exists after every header field has been checked, so
/// its accessors never read outside the data they were given.
public struct SafeTensorsArchive: Sendable {
    /// The path the archive was read from (or the label given to
    /// ``SafeTensorsFile/decode(_:path:)``); used in error messages.
    public let path: String
    /// The `"__metadata__"` strings; empty when the header has none.
    public let metadata: [String: String]
    /// The tensors in the order their data lies in the file (ties between
    /// empty tensors broken by header order).
    public let tensors: [TensorInfo]

    /// The whole file; tensor data starts at ``dataStart``.
    let storage: [UInt8]
    /// The offset of the first data byte: 8 plus the header length.
    let dataStart: Int
    /// The position of each tensor in ``tensors``.
    let indexByName: [String: Int]

    /// Wraps already-validated parts; `tensors` must lie inside
    /// `storage[dataStart...]` and have unique names.
    init(
        path: String, metadata: [String: String], tensors: [TensorInfo],
        storage: [UInt8], dataStart: Int
    ) {
        self.path = path
        self.metadata = metadata
        self.tensors = tensors
        self.storage = storage
        self.dataStart = dataStart
        var index: [String: Int] = [:]
        for (position, tensor) in tensors.enumerated() {
            index[tensor.name] = position
        }
        self.indexByName = index
    }

    /// The tensors' names, in the order of ``tensors``.
    public var names: [String] { tensors.map(\.name) }

    /// Whether a tensor called `name` exists.
    public func contains(_ name: String) -> Bool { indexByName[name] != nil }
}
