import CNumericKernels

/// The output layer's products: a batch of embeddings x (B, D) against chosen
/// rows of the class weights W (C, D), forward and backward.
///
/// Row b of the batch uses `width` classes: `classes[b · width + j]`, or j
/// itself when `classes` is nil (the full layer). NCE and sampled softmax
/// pass each example's true classes followed by the sampled ones.
///
/// Every sum runs in one fixed order (that of ``VectorKernels``): a dot
/// product keeps eight interleaved partial sums, and gradient rows add their
/// terms in class order (inputs) or batch-then-class order (weights),
/// skipping terms whose gradient is zero. `Float` runs vectorised C kernels
/// (`class_row_kernels.c`) that give exactly the bits of the generic loops
/// here on every instruction set; other types run the loops.
public enum ClassRowProducts {
    /// `out[b · width + j] = x_b · W[class(b, j)]` for the rows in `rows`.
    // inputs (B,D), weights (C,D), classes (B,width) -> out (B,width)
    @inlinable
    public static func dots<T: BinaryFloatingPoint>(
        out: UnsafeMutablePointer<T>, inputs: UnsafePointer<T>, weights: UnsafePointer<T>,
        classes: UnsafePointer<Int32>?, dim: Int, width: Int, rows: Range<Int>
    ) {
        if T.self == Float.self {
            floatDots(
                out: rebound(out), inputs: rebound(inputs), weights: rebound(weights), classes: classes,
                dim: dim, width: width, rows: rows)
            return
        }
        for b in rows {
            for j in 0..<width {
                let k = classes.map { Int($0[b * width + j]) } ?? j
                out[b * width + j] = VectorKernels.dot(inputs + b * dim, weights + k * dim, dim)
            }
        }
    }

    /// `dInputs[b] = Σ_j g[b, j] · W[class(b, j)]`, from zero, for the rows
    /// in `rows`; g is `gradients` (B, width).
    // gradients (B,width), weights (C,D), classes (B,width) -> dInputs (B,D)
    @inlinable
    public static func inputGradient<T: BinaryFloatingPoint>(
        dInputs: UnsafeMutablePointer<T>, gradients: UnsafePointer<T>, weights: UnsafePointer<T>,
        classes: UnsafePointer<Int32>?, dim: Int, width: Int, rows: Range<Int>
    ) {
        if T.self == Float.self {
            floatInputGradient(
                dInputs: rebound(dInputs), gradients: rebound(gradients), weights: rebound(weights),
                classes: classes, dim: dim, width: width, rows: rows)
            return
        }
        for b in rows {
            let dx = dInputs + b * dim
            for d in 0..<dim { dx[d] = 0 }
            for j in 0..<width {
                let g = gradients[b * width + j]
                if g == 0 { continue }
                let k = classes.map { Int($0[b * width + j]) } ?? j
                VectorKernels.axpy(g, weights + k * dim, dx, dim)
            }
        }
    }

    /// `dWeights[class(b, j)] += g[b, j] · x_b` over the columns in
    /// `columns`, b ascending and j ascending within b; with `dBiases`, also
    /// `dBiases[class(b, j)] += g[b, j]` in the same order.
    // gradients (B,width), inputs (B,D), classes (B,width) -> dWeights (C,D) +=, dBiases (C) +=
    @inlinable
    public static func weightGradient<T: BinaryFloatingPoint>(
        dWeights: UnsafeMutablePointer<T>, dBiases: UnsafeMutablePointer<T>?, gradients: UnsafePointer<T>,
        inputs: UnsafePointer<T>, classes: UnsafePointer<Int32>?, dim: Int, width: Int, batch: Int,
        columns: Range<Int>
    ) {
        if T.self == Float.self {
            floatWeightGradient(
                dWeights: rebound(dWeights), dBiases: dBiases.map { rebound($0) }, gradients: rebound(gradients),
                inputs: rebound(inputs), classes: classes, dim: dim, width: width, batch: batch, columns: columns)
            return
        }
        for b in 0..<batch {
            for j in 0..<width {
                let g = gradients[b * width + j]
                if g == 0 { continue }
                let k = classes.map { Int($0[b * width + j]) } ?? j
                VectorKernels.axpy(
                    g, inputs + b * dim + columns.lowerBound, dWeights + k * dim + columns.lowerBound, columns.count)
            }
        }
        guard let dBiases else { return }
        for b in 0..<batch {
            for j in 0..<width {
                let g = gradients[b * width + j]
                if g != 0 { dBiases[classes.map { Int($0[b * width + j]) } ?? j] += g }
            }
        }
    }

    @inlinable
    static func rebound<T, U>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<U> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: U.self)
    }

    @inlinable
    static func rebound<T, U>(_ pointer: UnsafePointer<T>) -> UnsafePointer<U> {
        UnsafeRawPointer(pointer).assumingMemoryBound(to: U.self)
    }

    @usableFromInline
    static func floatDots(
        out: UnsafeMutablePointer<Float>, inputs: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        classes: UnsafePointer<Int32>?, dim: Int, width: Int, rows: Range<Int>
    ) {
        mnist_nce_class_rows_dots_f32(out, inputs, weights, classes, dim, width, rows.lowerBound, rows.upperBound)
    }

    @usableFromInline
    static func floatInputGradient(
        dInputs: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        classes: UnsafePointer<Int32>?, dim: Int, width: Int, rows: Range<Int>
    ) {
        mnist_nce_class_rows_input_gradient_f32(
            dInputs, gradients, weights, classes, dim, width, rows.lowerBound, rows.upperBound)
    }

    @usableFromInline
    static func floatWeightGradient(
        dWeights: UnsafeMutablePointer<Float>, dBiases: UnsafeMutablePointer<Float>?, gradients: UnsafePointer<Float>,
        inputs: UnsafePointer<Float>, classes: UnsafePointer<Int32>?, dim: Int, width: Int, batch: Int,
        columns: Range<Int>
    ) {
        mnist_nce_class_rows_weight_gradient_f32(
            dWeights, dBiases, gradients, inputs, classes, dim, width, batch, columns.lowerBound, columns.upperBound)
    }
}
