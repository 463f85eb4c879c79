/// One allocation holding every tensor of a `ParameterLayout`.
///
/// A reference type so that the buffer is allocated once and never copied on
/// write; pointers into it stay valid for the arena's lifetime.
public final class ParameterArena<T: NetworkScalar> {
    public let layout: ParameterLayout
    /// The whole buffer, `layout.totalCount` values, zero-initialised.
    public let base: UnsafeMutablePointer<T>

    public init(layout: ParameterLayout) {
        self.layout = layout
        base = .allocateCacheAligned(capacity: max(layout.totalCount, 1))
        base.initialize(repeating: 0, count: max(layout.totalCount, 1))
    }

    deinit { base.deallocate() }

    /// Pointer to the first value of `entry`.
    @inlinable
    public func pointer(_ entry: ParameterLayout.Entry) -> UnsafeMutablePointer<T> {
        base + entry.offset
    }

    /// Sets every value to zero.
    public func zero() {
        base.update(repeating: 0, count: layout.totalCount)
    }

    /// A copy of one tensor's values.
    public func values(_ entry: ParameterLayout.Entry) -> [T] {
        Array(UnsafeBufferPointer(start: pointer(entry), count: entry.count))
    }

    /// A copy of every value, in layout order.
    public func allValues() -> [T] {
        Array(UnsafeBufferPointer(start: base, count: layout.totalCount))
    }

    /// Overwrites one tensor.
    ///
    /// - Precondition: `values.count == entry.count`.
    public func set(_ entry: ParameterLayout.Entry, to values: [T]) {
        precondition(values.count == entry.count)
        values.withUnsafeBufferPointer { pointer(entry).update(from: $0.baseAddress!, count: entry.count) }
    }
}
