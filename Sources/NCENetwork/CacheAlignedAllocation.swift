extension UnsafeMutablePointer {
    /// Uninitialised memory for `capacity` values that starts on a 64-byte
    /// boundary, so that the kernels' vector loads of whole rows never
    /// straddle two cache lines (large `allocate(capacity:)` blocks start 16
    /// bytes into a page). Free it with `deallocate()`.
    public static func allocateCacheAligned(capacity: Int) -> UnsafeMutablePointer<Pointee> {
        UnsafeMutableRawPointer.allocate(
            byteCount: Swift.max(capacity, 1) * MemoryLayout<Pointee>.stride,
            alignment: Swift.max(64, MemoryLayout<Pointee>.alignment)
        ).bindMemory(to: Pointee.self, capacity: Swift.max(capacity, 1))
    }
}
