/// Where each named tensor lives in one flat buffer.
///
/// Parameters, their gradients and every optimiser state share one layout, so
/// an optimiser is a single loop over the buffer and a checkpoint is one
/// write of named views.
public struct ParameterLayout: Sendable, Equatable {
    /// One tensor's name, shape and place in the flat buffer.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    /// The tensors in buffer order.
    public let entries: [Entry]
    /// Values in the whole buffer.
    public let totalCount: Int

    /// Lays the tensors out back to back, in the order given.
    ///
    /// - Precondition: names are distinct and every dimension is positive;
    ///   layouts are built by the model code, never from user input.
    public init(_ tensors: [(name: String, shape: [Int])]) {
        var offset = 0
        var entries: [Entry] = []
        for (name, shape) in tensors {
            precondition(shape.allSatisfy { $0 > 0 }, "tensor \(name) has shape \(shape)")
            let entry = Entry(name: name, shape: shape, offset: offset)
            entries.append(entry)
            offset += entry.count
        }
        precondition(Set(entries.map(\.name)).count == entries.count, "duplicate tensor names")
        self.entries = entries
        self.totalCount = offset
    }

    /// The entry called `name`, or nil.
    public func entry(_ name: String) -> Entry? {
        entries.first { $0.name == name }
    }
}
