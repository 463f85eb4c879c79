import CNumericKernels

/// A fully connected layer whose input is a `SparseInputBatch`, with the
/// weight stored input-major as `(inputs, outputs)`, so that each non-zero
/// input scales one contiguous weight row.
///
/// The products skip zero inputs: at MNIST's ~19% density they do about a
/// fifth of the dense arithmetic. Each call is cut into parts by output
/// columns and, for large batches, by rows (or input columns); the cut
/// depends only on the shapes and the batch, not on the thread count, and
/// the threads of a `WorkerPool` claim the parts as they go. Every output
/// value is summed by one part in one fixed order (its entries in storage
/// order), so the results are the same bits for any thread count.
/// `SparseInputDenseReference` holds plain loops over the dense input with
/// the same contract.
///
/// The batch's entries must ascend within each row and column, as
/// `SparseInputBatch.load` leaves them.
public enum SparseInputDense {
    /// `out = x · weight + bias`, where `x` is the batch loaded into `batch`.
    ///
    /// x is (B, C), weight is (C, OC), bias is (OC), out is (B, OC), with
    /// B = `batch.batch` and C = `batch.inputs`. `out` is overwritten; each
    /// value is summed from its bias (from zero when `bias` is nil) over the
    /// row's non-zeros by ascending input.
    ///
    /// - Precondition: `outputs > 0`; `out` does not overlap the other
    ///   buffers. A nil `pool` runs on the calling thread.
    public static func forward(
        out: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        batch: SparseInputBatch, outputs: Int, pool: WorkerPool? = nil
    ) {
        precondition(outputs > 0, "outputs must be positive, got \(outputs)")
        var arguments = SparseKernelArguments(
            kernel: .forward, target: out, start: batch.rowStart, index: batch.rowColumns,
            values: batch.rowValues, source: weight, bias: bias, count: batch.batch,
            outputs: outputs, accumulate: false)
        run(&arguments, pool: pool)
    }

    /// Gradients of `forward` for the weight and bias:
    /// `dweight (+)= xᵀ · dout` and `dbias (+)= Σ_rows dout`.
    ///
    /// dout is (B, OC), x is (B, C) (the batch loaded into `batch`),
    /// dweight is (C, OC), dbias is (OC). Each value is summed by ascending
    /// row, starting from the buffer's value when `accumulate` is true or
    /// from zero when false (so inputs that are zero in every row get zero
    /// gradient rows). `dbias` nil skips the bias; it is summed on the
    /// calling thread.
    ///
    /// - Precondition: `outputs > 0`; `dweight` and `dbias` do not overlap
    ///   the other buffers. A nil `pool` runs on the calling thread.
    public static func backwardWeights(
        dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, batch: SparseInputBatch, outputs: Int,
        accumulate: Bool, pool: WorkerPool? = nil
    ) {
        precondition(outputs > 0, "outputs must be positive, got \(outputs)")
        var arguments = SparseKernelArguments(
            kernel: .weightGradient, target: dweight, start: batch.columnStart,
            index: batch.columnRows, values: batch.columnValues, source: dout, bias: nil,
            count: batch.inputs, outputs: outputs, accumulate: accumulate)
        run(&arguments, pool: pool)
        if let dbias {
            // Row by row, so the inner loop runs over contiguous values; each
            // sum still adds the rows in ascending order.
            let rows = batch.batch
            var first = 0
            if !accumulate {
                if rows == 0 {
                    dbias.update(repeating: 0, count: outputs)
                } else {
                    dbias.update(from: dout, count: outputs)
                    first = 1
                }
            }
            for b in first..<rows {
                let row = dout + b * outputs
                for o in 0..<outputs { dbias[o] += row[o] }
            }
        }
    }

    /// Runs the call's parts on the pool's threads, or all on the caller.
    private static func run(_ arguments: inout SparseKernelArguments, pool: WorkerPool?) {
        let parts = arguments.parts
        guard let pool, parts > 1 else {
            for part in 0..<parts { arguments.runPart(part) }
            return
        }
        withUnsafeMutablePointer(to: &arguments) { pointer in
            pool.run(parts: parts, context: UnsafeMutableRawPointer(pointer)) { context, part in
                context?.assumingMemoryBound(to: SparseKernelArguments.self).pointee.runPart(Int(part))
            }
        }
    }
}

/// One call's buffers, shared by the threads that split it: they only
/// read the inputs, and each part writes its own block of `target` (a
/// range of items times a range of output columns), so no value is touched
/// by two parts.
struct SparseKernelArguments {
    enum Kernel { case forward, weightGradient }

    let kernel: Kernel
    let target: UnsafeMutablePointer<Float>
    let start, index: UnsafePointer<Int32>
    let values, source: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    /// Rows (forward) or input columns (weight gradient) to compute.
    let count: Int
    let outputs: Int
    let accumulate: Bool
    /// Groups of output columns, one register tile each (the last also
    /// takes the columns after the last whole tile).
    let columnGroups: Int
    /// Contiguous ranges of items, of about equal cost.
    let itemChunks: Int

    /// Cost (entries plus items) above which the items are cut into more
    /// than one chunk. Every item chunk copies the source's column tiles
    /// again, so chunks are kept large: one covers about a hundred MNIST
    /// images (about 150 non-zero pixels each) in either kernel.
    static let costPerItemChunk = 16_384

    /// Output columns the C kernels hold in registers at once.
    static let columnTile = Int(MNIST_NCE_SPARSE_COLUMN_TILE)

    init(
        kernel: Kernel, target: UnsafeMutablePointer<Float>, start: UnsafePointer<Int32>,
        index: UnsafePointer<Int32>, values: UnsafePointer<Float>, source: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, count: Int, outputs: Int, accumulate: Bool
    ) {
        self.kernel = kernel
        self.target = target
        self.start = start
        self.index = index
        self.values = values
        self.source = source
        self.bias = bias
        self.count = count
        self.outputs = outputs
        self.accumulate = accumulate
        columnGroups = max(1, outputs / Self.columnTile)
        let cost = Int(start[count]) + count
        itemChunks = max(1, min(count, (cost + Self.costPerItemChunk - 1) / Self.costPerItemChunk))
    }

    /// Parts of the call: every item chunk times every column group.
    var parts: Int { itemChunks * columnGroups }

    /// Runs part `part` of `parts`.
    func runPart(_ part: Int) {
        let items = chunk(part / columnGroups, of: itemChunks)
        let columns = columnGroup(part % columnGroups)
        switch kernel {
        case .forward:
            mnist_nce_sparse_rows_forward_f32(
                target, start, index, values, source, bias, items.lowerBound, items.upperBound,
                columns.lowerBound, columns.upperBound, outputs)
        case .weightGradient:
            mnist_nce_sparse_columns_weight_gradient_f32(
                target, start, index, values, source, items.lowerBound, items.upperBound,
                columns.lowerBound, columns.upperBound, outputs, accumulate ? 1 : 0)
        }
    }

    /// The output columns of group `group`: whole tiles, the last group
    /// running to the last column.
    func columnGroup(_ group: Int) -> Range<Int> {
        let tile = Self.columnTile
        return group * tile..<(group + 1 == columnGroups ? outputs : (group + 1) * tile)
    }

    /// The `part`-th of `parts` contiguous ranges covering `0 ..< count`.
    ///
    /// Work grows with the entries in range plus one per item (each item is
    /// written even when empty), so the bounds split that cost evenly; they
    /// depend only on the batch and `parts`.
    func chunk(_ part: Int, of parts: Int) -> Range<Int> {
        bound(part, of: parts)..<bound(part + 1, of: parts)
    }

    /// The first item whose cumulative cost reaches `part / parts` of the total.
    private func bound(_ part: Int, of parts: Int) -> Int {
        if part >= parts { return count }
        let total = Int(start[count]) + count
        let goal = total * part / parts
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if Int(start[middle]) + middle < goal { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
