import CNumericKernels

/// The non-zero entries of a dense `Float` batch, held both by rows (CSR) and
/// by columns (CSC), in buffers allocated once for the largest batch.
///
/// A batch of MNIST pixels is mostly zeros; `SparseInputDense` multiplies by
/// the rows for the forward product and by the columns for the weight
/// gradient. Loading a batch allocates nothing.
///
/// Indices are `Int32`, as the C kernels take them. Entries keep their dense
/// order: a row's entries by ascending column, a column's by ascending row.
/// A value is stored when it is not equal to zero, so NaNs are kept and
/// both signed zeros are dropped.
public final class SparseInputBatch {
    /// Rows the buffers hold at most.
    public let maxBatch: Int
    /// Columns of every row (`C`).
    public let inputs: Int
    /// Rows of the batch last loaded (0 before the first load).
    public private(set) var batch = 0

    // Row-major entries: row b's are at rowStart[b] ..< rowStart[b + 1].
    let rowStartStorage: UnsafeMutablePointer<Int32>
    let rowColumnsStorage: UnsafeMutablePointer<Int32>
    let rowValuesStorage: UnsafeMutablePointer<Float>
    // Column-major entries: column i's are at columnStart[i] ..< columnStart[i + 1].
    let columnStartStorage: UnsafeMutablePointer<Int32>
    let columnRowsStorage: UnsafeMutablePointer<Int32>
    let columnValuesStorage: UnsafeMutablePointer<Float>
    // Where the next entry of each column goes while the columns are filled.
    let columnCursor: UnsafeMutablePointer<Int32>

    /// Buffers for up to `maxBatch` rows of `inputs` columns.
    ///
    /// - Precondition: `maxBatch > 0`, `inputs > 0`, and `maxBatch · inputs`
    ///   fits in `Int32` (the kernels' index type).
    public init(maxBatch: Int, inputs: Int) {
        precondition(maxBatch > 0 && inputs > 0, "SparseInputBatch needs positive sizes, got \(maxBatch)×\(inputs)")
        let (capacity, overflow) = maxBatch.multipliedReportingOverflow(by: inputs)
        precondition(
            !overflow && capacity <= Int(Int32.max),
            "SparseInputBatch of \(maxBatch)×\(inputs) entries exceeds Int32 indices")
        self.maxBatch = maxBatch
        self.inputs = inputs
        rowStartStorage = .allocate(capacity: maxBatch + 1)
        rowStartStorage.initialize(repeating: 0, count: maxBatch + 1)
        rowColumnsStorage = .allocate(capacity: capacity)
        rowColumnsStorage.initialize(repeating: 0, count: capacity)
        rowValuesStorage = .allocate(capacity: capacity)
        rowValuesStorage.initialize(repeating: 0, count: capacity)
        columnStartStorage = .allocate(capacity: inputs + 1)
        columnStartStorage.initialize(repeating: 0, count: inputs + 1)
        columnRowsStorage = .allocate(capacity: capacity)
        columnRowsStorage.initialize(repeating: 0, count: capacity)
        columnValuesStorage = .allocate(capacity: capacity)
        columnValuesStorage.initialize(repeating: 0, count: capacity)
        columnCursor = .allocate(capacity: inputs)
        columnCursor.initialize(repeating: 0, count: inputs)
    }

    deinit {
        rowStartStorage.deallocate()
        rowColumnsStorage.deallocate()
        rowValuesStorage.deallocate()
        columnStartStorage.deallocate()
        columnRowsStorage.deallocate()
        columnValuesStorage.deallocate()
        columnCursor.deallocate()
    }

    /// Non-zero entries of the loaded batch.
    public var nonZeroCount: Int { Int(rowStartStorage[batch]) }

    /// `batch + 1` offsets: row b's entries are `rowStart[b] ..< rowStart[b + 1]`.
    public var rowStart: UnsafePointer<Int32> { UnsafePointer(rowStartStorage) }
    /// The column of each row-ordered entry.
    public var rowColumns: UnsafePointer<Int32> { UnsafePointer(rowColumnsStorage) }
    /// The value of each row-ordered entry.
    public var rowValues: UnsafePointer<Float> { UnsafePointer(rowValuesStorage) }
    /// `inputs + 1` offsets: column i's entries are `columnStart[i] ..< columnStart[i + 1]`.
    public var columnStart: UnsafePointer<Int32> { UnsafePointer(columnStartStorage) }
    /// The row of each column-ordered entry.
    public var columnRows: UnsafePointer<Int32> { UnsafePointer(columnRowsStorage) }
    /// The value of each column-ordered entry.
    public var columnValues: UnsafePointer<Float> { UnsafePointer(columnValuesStorage) }

    /// Replaces the contents with the non-zero entries of `x`.
    ///
    /// x is (batch, inputs) row-major. Two passes: one over `x` filling the
    /// rows (a vector of values at a time, skipping all-zero vectors), one
    /// over the row entries placing them by column (a counting sort).
    ///
    /// - Precondition: `0 <= batch <= maxBatch`.
    public func load(_ x: UnsafePointer<Float>, batch: Int) {
        precondition(batch >= 0 && batch <= maxBatch, "batch \(batch) is outside 0...\(maxBatch)")
        self.batch = batch
        mnist_nce_sparse_list_f32(
            x, batch, inputs, rowStartStorage, rowColumnsStorage, rowValuesStorage, columnStartStorage,
            columnRowsStorage, columnValuesStorage, columnCursor)
    }
}
