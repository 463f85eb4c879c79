extension DType {
    /// The number of bytes a tensor of this dtype and `shape` occupies.
    ///
    /// An empty shape is a scalar (one element); any zero dimension gives
    /// zero bytes. Returns `nil` if a dimension is negative or the element
    /// count or byte count does not fit in `Int`.
    public func byteCount(shape: [Int]) -> Int? {
        var elements = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            elements = product
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: byteSize)
        return overflow ? nil : bytes
    }
}
