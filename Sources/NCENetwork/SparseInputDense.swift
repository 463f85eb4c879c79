import CNumericKernels

/// A fully connected layer whose input is a `SparseInputBatch`, with the
/// weight stored input-major as `(inputs, outputs)`, so that each non-zero
/// input scales one contiguous weight row.
///
/// The products skip zero inputs: at MNIST's ~19% density they do about a
/// fifth of the dense arithmetic. Each call is cut into parts: the forward
/// product by output columns (groups of `SparseKernelArguments.columnTile`),
/// so each part reads only its own slice of the weight; the gradients by
/// input rows (groups of `SparseKernelArguments.rowGroup`), so each part
/// streams its own rows of the weight and moments. Threads never write the
/// same cache line; the cut depends only on the shapes, not on the thread
/// count, and the threads of a `WorkerPool` claim the parts as they go.
/// Every output value is summed by one part in one fixed order (its entries
/// in storage order), so the results are the same bits for any thread count
/// and any instruction set (see `SparseInstructionSet`).
/// `SparseInputDenseReference` holds plain loops over the dense input with
/// the same contract.
///
/// The batch's entries must ascend within each row and column, as
/// `SparseInputBatch.load` leaves them.
public enum SparseInputDense {
    /// `out = x · weight + bias`, then `max(out, 0)` when `relu`, where `x`
    /// is the batch loaded into `batch`.
    ///
    /// x is (B, C), weight is (C, OC), bias is (OC), out is (B, OC), with
    /// B = `batch.batch` and C = `batch.inputs`. `out` is overwritten; each
    /// value is summed from its bias (from zero when `bias` is nil) over the
    /// row's non-zeros by ascending input; the rectifier rounds as
    /// `ReLU.forward` does. Weight rows of inputs that are zero in the whole
    /// batch are not read.
    ///
    /// - Precondition: `outputs > 0`; `out` does not overlap the other
    ///   buffers. A nil `pool` runs on the calling thread.
    public static func forward(
        out: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        batch: SparseInputBatch, outputs: Int, relu: Bool = false, pool: WorkerPool? = nil
    ) {
        precondition(outputs > 0, "outputs must be positive, got \(outputs)")
        var arguments = SparseKernelArguments(
            kernel: .forward, target: out, start: batch.rowStart, index: batch.rowColumns,
            values: batch.rowValues, source: weight, count: batch.batch, batch: batch.batch, outputs: outputs)
        arguments.bias = bias
        arguments.used = batch.columnStart
        arguments.relu = relu
        run(&arguments, pool: pool)
    }

    /// Gradients of `forward` (without the rectifier) for the weight and
    /// bias: `dweight (+)= xᵀ · dout` and `dbias (+)= Σ_rows dout`.
    ///
    /// dout is (B, OC) with rows `doutStride` floats apart (default
    /// `outputs`), x is (B, C) (the batch loaded into `batch`), dweight is
    /// (C, OC), dbias is (OC). Each value is summed by ascending
    /// row, starting from the buffer's value when `accumulate` is true or
    /// from zero when false (so inputs that are zero in every row get zero
    /// gradient rows; the bias then starts from the first row's values).
    /// `dbias` nil skips the bias.
    ///
    /// `alongside`, if given, runs as one more part of the job, on
    /// whichever thread takes it; it must touch none of these buffers.
    ///
    /// - Precondition: `outputs > 0`; `dweight` and `dbias` do not overlap
    ///   the other buffers. A nil `pool` runs on the calling thread.
    public static func backwardWeights(
        dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, doutStride: Int? = nil, batch: SparseInputBatch, outputs: Int,
        accumulate: Bool, pool: WorkerPool? = nil, alongside: PoolTask? = nil
    ) {
        precondition(outputs > 0, "outputs must be positive, got \(outputs)")
        precondition(doutStride ?? outputs >= outputs, "dout's rows must not overlap")
        let stride = doutStride ?? outputs
        var arguments = SparseKernelArguments(
            kernel: .weightGradient, target: dweight, start: batch.columnStart,
            index: batch.columnRows, values: batch.columnValues, source: dout, count: batch.inputs,
            batch: batch.batch, outputs: outputs)
        arguments.sourceStride = stride
        arguments.accumulate = accumulate
        // The kernel sums the bias when it overwrites it.
        arguments.dbias = accumulate ? nil : dbias
        arguments.alongside = alongside
        run(&arguments, pool: pool)
        if let dbias, accumulate {
            // Row by row, so the inner loop runs over contiguous values; each
            // sum still adds the rows in ascending order.
            for b in 0..<batch.batch {
                let row = dout + b * stride
                for o in 0..<outputs { dbias[o] += row[o] }
            }
        }
    }

    /// `backwardWeights` from zero, with the weight gradient fed straight
    /// into Adam: for every weight value, the gradient `g` updates
    /// `first`, `second` and `weight` exactly as `Optimizer` does with
    /// `update`'s constants, and is never stored. `dbias` (if given)
    /// receives the bias gradient, as `backwardWeights` with `accumulate`
    /// false.
    ///
    /// weight, first and second are (C, OC); dout is (B, OC), its rows
    /// `doutStride` floats apart (default `outputs`). A stride that is not
    /// a multiple of 4 KiB keeps dout's rows out of each other's L1 cache
    /// sets, which the kernel reads across rows (`paddedRowStride`).
    /// `alongside` runs as one more part, as in `backwardWeights`.
    ///
    /// - Precondition: `outputs > 0`; `doutStride ≥ outputs`; no buffer
    ///   overlaps another.
    public static func backwardWeightsAdam(
        weight: UnsafeMutablePointer<Float>, first: UnsafeMutablePointer<Float>,
        second: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, doutStride: Int? = nil, batch: SparseInputBatch, outputs: Int,
        update: AdamConstants, pool: WorkerPool? = nil, alongside: PoolTask? = nil
    ) {
        precondition(outputs > 0, "outputs must be positive, got \(outputs)")
        precondition(doutStride ?? outputs >= outputs, "dout's rows must not overlap")
        var arguments = SparseKernelArguments(
            kernel: .weightGradientAdam, target: weight, start: batch.columnStart,
            index: batch.columnRows, values: batch.columnValues, source: dout, count: batch.inputs,
            batch: batch.batch, outputs: outputs)
        arguments.sourceStride = doutStride ?? outputs
        arguments.dbias = dbias
        arguments.first = first
        arguments.second = second
        arguments.adam = update
        arguments.alongside = alongside
        run(&arguments, pool: pool)
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

extension SparseInputDense {
    /// A row stride for dout (`backwardWeightsAdam`) of `outputs` columns:
    /// one cache line longer than the row, so that successive rows start in
    /// different L1 sets.
    public static func paddedRowStride(outputs: Int) -> Int { outputs + 16 }
}

/// Adam's constants for one step, bias correction folded in (see
/// `Optimizer`): `m = β₁ m + (1 − β₁) g`, `v = β₂ v + (1 − β₂) g²`,
/// `p −= stepSize · m / (√v + epsilon)`.
public struct AdamConstants: Sendable, Equatable {
    public var beta1, beta2, stepSize, epsilon: Float

    public init(beta1: Float, beta2: Float, stepSize: Float, epsilon: Float) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.stepSize = stepSize
        self.epsilon = epsilon
    }
}

/// One call's buffers, shared by the threads that split it: they only
/// read the inputs, and each part writes its own output columns of
/// `target` (and of `dbias`, `first`, `second`), so no value is touched by
/// two parts.
struct SparseKernelArguments {
    enum Kernel { case forward, weightGradient, weightGradientAdam }

    let kernel: Kernel
    /// out (forward), dweight (gradient) or the weight (Adam).
    let target: UnsafeMutablePointer<Float>
    let start, index: UnsafePointer<Int32>
    let values, source: UnsafePointer<Float>
    /// Floats between rows of source for the gradients (dout).
    var sourceStride = 0
    /// Rows (forward) or input columns (gradients) to compute.
    let count: Int
    /// Rows of the batch (of dout, for the gradients).
    let batch: Int
    let outputs: Int
    var bias: UnsafePointer<Float>?
    /// The batch's column offsets: weight rows the forward product reads.
    var used: UnsafePointer<Int32>?
    var relu = false
    var accumulate = false
    var dbias: UnsafeMutablePointer<Float>?
    var first, second: UnsafeMutablePointer<Float>?
    var adam = AdamConstants(beta1: 0, beta2: 0, stepSize: 0, epsilon: 0)
    /// Groups of output columns (the last also takes the columns after the
    /// last whole group): the forward product's parts.
    let columnGroups: Int
    /// Groups of `rowGroup` input rows (the last may be shorter): the
    /// gradients' parts.
    let rowGroups: Int

    /// Output columns of one group: whole register tiles of every
    /// instruction set.
    static let columnTile = Int(MNIST_NCE_SPARSE_COLUMN_TILE)
    /// Input rows of one gradient part: with 1024 outputs, 64 KiB of the
    /// weight and of each moment, a few microseconds of work, so that idle
    /// threads can take over the parts of a descheduled one.
    static let rowGroup = 16

    init(
        kernel: Kernel, target: UnsafeMutablePointer<Float>, start: UnsafePointer<Int32>,
        index: UnsafePointer<Int32>, values: UnsafePointer<Float>, source: UnsafePointer<Float>,
        count: Int, batch: Int, outputs: Int
    ) {
        self.kernel = kernel
        self.target = target
        self.start = start
        self.index = index
        self.values = values
        self.source = source
        self.count = count
        self.batch = batch
        self.outputs = outputs
        sourceStride = outputs
        columnGroups = max(1, outputs / Self.columnTile)
        rowGroups = max(1, (count + Self.rowGroup - 1) / Self.rowGroup)
    }

    /// Work of the caller's that runs as one more part (part 0), beside
    /// the kernel's; it must touch none of the kernel's buffers.
    var alongside: PoolTask?

    /// Parts of the call: column groups for the forward product, where
    /// every part reads all weight rows and writes its own columns of out;
    /// row groups for the gradients, where every part reads all of dout and
    /// writes its own rows (the part holding row 0 also sums the bias);
    /// and `alongside`, if any.
    var parts: Int { (kernel == .forward ? columnGroups : rowGroups) + (alongside == nil ? 0 : 1) }

    /// Runs part `part` of `parts`. The task alongside is part 0, so that
    /// it starts first and the kernel's small parts even out the threads'
    /// ends.
    func runPart(_ part: Int) {
        if let alongside {
            if part == 0 { return alongside.run() }
            runKernelPart(part - 1)
        } else {
            runKernelPart(part)
        }
    }

    /// Runs the kernel's part `part`.
    private func runKernelPart(_ part: Int) {
        switch kernel {
        case .forward:
            let columns = columnGroup(part)
            mnist_nce_sparse_rows_forward_f32(
                target, start, index, values, source, bias, used, 0, count,
                columns.lowerBound, columns.upperBound, outputs, relu ? 1 : 0)
        case .weightGradient:
            let rows = rowGroup(part)
            mnist_nce_sparse_columns_weight_gradient_f32(
                target, dbias, start, index, values, source, sourceStride, batch, rows.lowerBound, rows.upperBound,
                0, outputs, outputs, accumulate ? 1 : 0)
        case .weightGradientAdam:
            let rows = rowGroup(part)
            mnist_nce_sparse_columns_weight_gradient_adam_f32(
                target, first, second, dbias, start, index, values, source, sourceStride, batch,
                rows.lowerBound, rows.upperBound, 0, outputs, outputs,
                adam.beta1, adam.beta2, adam.stepSize, adam.epsilon)
        }
    }

    /// The input rows of gradient part `group`.
    func rowGroup(_ group: Int) -> Range<Int> {
        group * Self.rowGroup..<min(count, (group + 1) * Self.rowGroup)
    }

    /// The output columns of group `group`: whole groups, the last one
    /// running to the last column.
    func columnGroup(_ group: Int) -> Range<Int> {
        let tile = Self.columnTile
        return group * tile..<(group + 1 == columnGroups ? outputs : (group + 1) * tile)
    }
}
