import SampledLosses

/// The output layer over every class, `logits = embed · Wᵀ + b` and its
/// backward pass, through ``ClassRowProducts`` (the products NCE and sampled
/// softmax use for their chosen classes, in the same order). Float runs on
/// the pool: the forward product and the embedding's gradient by groups of
/// rows, W's gradient by groups of columns, so the bits do not depend on the
/// thread count.
enum OutputLayer {
    /// Batch rows per part of the forward product and of the input gradient.
    static let rowGroup = 16
    /// Hidden columns per part of W's gradient.
    static let columnGroup = 128

    /// `logits[b, k] = embed_b · W[k] + bias[k]` for b < batch.
    static func forward<T: NetworkScalar>(
        logits: UnsafeMutablePointer<T>, embed: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>,
        batch: Int, hidden: Int, classes: Int, pool: WorkerPool
    ) {
        guard T.self == Float.self else {
            forwardRows(logits: logits, embed: embed, weight: weight, bias: bias, hidden: hidden, classes: classes, rows: 0..<batch)
            return
        }
        var arguments = Arguments(
            backward: false, logits: floats(logits), embed: readOnly(embed), weight: readOnly(weight),
            bias: floats(bias), batch: batch, hidden: hidden, classes: classes)
        run(&arguments, pool: pool)
    }

    /// Overwrites `embedGradient` with `logitsGradient · W`; adds
    /// `logitsGradientᵀ · embed` into `dWeight` and the column sums of
    /// `logitsGradient` into `dBias`.
    static func backward<T: NetworkScalar>(
        embedGradient: UnsafeMutablePointer<T>, dWeight: UnsafeMutablePointer<T>, dBias: UnsafeMutablePointer<T>,
        logitsGradient: UnsafePointer<T>, embed: UnsafePointer<T>, weight: UnsafePointer<T>,
        batch: Int, hidden: Int, classes: Int, pool: WorkerPool
    ) {
        guard T.self == Float.self else {
            ClassRowProducts.inputGradient(
                dInputs: embedGradient, gradients: logitsGradient, weights: weight, classes: nil, dim: hidden,
                width: classes, rows: 0..<batch)
            ClassRowProducts.weightGradient(
                dWeights: dWeight, dBiases: dBias, gradients: logitsGradient, inputs: embed, classes: nil,
                dim: hidden, width: classes, batch: batch, columns: 0..<hidden)
            return
        }
        var arguments = Arguments(
            backward: true, logits: floats(logitsGradient), embed: readOnly(embed), weight: readOnly(weight),
            bias: floats(dBias), batch: batch, hidden: hidden, classes: classes)
        arguments.embedGradient = floats(embedGradient)
        arguments.dWeight = floats(dWeight)
        run(&arguments, pool: pool)
    }

    private static func forwardRows<T: NetworkScalar>(
        logits: UnsafeMutablePointer<T>, embed: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>,
        hidden: Int, classes: Int, rows: Range<Int>
    ) {
        ClassRowProducts.dots(
            out: logits, inputs: embed, weights: weight, classes: nil, dim: hidden, width: classes, rows: rows)
        for b in rows {
            for k in 0..<classes { logits[b * classes + k] += bias[k] }
        }
    }

    /// A call's pointers and sizes, for the pool's parts (Float only).
    private struct Arguments {
        let backward: Bool
        /// The logits (forward) or their gradient (backward).
        let logits: UnsafeMutablePointer<Float>
        let embed, weight: UnsafePointer<Float>
        /// The bias (forward) or its gradient (backward).
        let bias: UnsafeMutablePointer<Float>
        let batch, hidden, classes: Int
        var embedGradient, dWeight: UnsafeMutablePointer<Float>?

        var rowParts: Int { (batch + OutputLayer.rowGroup - 1) / OutputLayer.rowGroup }
        var columnParts: Int { (hidden + OutputLayer.columnGroup - 1) / OutputLayer.columnGroup }
        /// Row groups (forward); row groups, then column groups (backward).
        var parts: Int { backward ? rowParts + columnParts : rowParts }

        func runPart(_ part: Int) {
            if part < rowParts {
                let rows = part * OutputLayer.rowGroup..<min(batch, (part + 1) * OutputLayer.rowGroup)
                if backward {
                    ClassRowProducts.inputGradient(
                        dInputs: embedGradient!, gradients: logits, weights: weight, classes: nil, dim: hidden,
                        width: classes, rows: rows)
                } else {
                    OutputLayer.forwardRows(
                        logits: logits, embed: embed, weight: weight, bias: bias, hidden: hidden, classes: classes,
                        rows: rows)
                }
                return
            }
            let group = part - rowParts
            let columns = group * OutputLayer.columnGroup..<min(hidden, (group + 1) * OutputLayer.columnGroup)
            ClassRowProducts.weightGradient(
                dWeights: dWeight!, dBiases: group == 0 ? bias : nil, gradients: logits, inputs: embed, classes: nil,
                dim: hidden, width: classes, batch: batch, columns: columns)
        }
    }

    private static func run(_ arguments: inout Arguments, pool: WorkerPool) {
        let parts = arguments.parts
        guard pool.threads > 1, parts > 1 else {
            for part in 0..<parts { arguments.runPart(part) }
            return
        }
        withUnsafeMutablePointer(to: &arguments) { pointer in
            pool.run(parts: parts, context: UnsafeMutableRawPointer(pointer)) { context, part in
                context?.assumingMemoryBound(to: Arguments.self).pointee.runPart(Int(part))
            }
        }
    }

    private static func floats<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
    }

    /// The logits' gradient is only read by the backward pass, but shares
    /// the field the forward pass writes.
    private static func floats<T>(_ p: UnsafePointer<T>) -> UnsafeMutablePointer<Float> {
        UnsafeMutablePointer(mutating: readOnly(p))
    }

    private static func readOnly<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
    }
}
