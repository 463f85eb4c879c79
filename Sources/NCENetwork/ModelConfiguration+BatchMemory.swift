import Foundation

extension ModelConfiguration {
    /// The most bytes an evaluation network's per-batch buffers take by
    /// default: 256 MiB, which holds 1,000 MNIST rows of the MLP and 100
    /// of the CNN, the fixed counts used before.
    public static let evaluationBatchBudget = 256 << 20

    /// Bytes one batch row of a network takes beyond its parameters, from
    /// above: the batch's pixels as floats, the sparse kernel's copies of
    /// the dense layer's input, the trunk's activations (CNN), `embed`,
    /// the logits and their gradients, a dropout mask and a label and a
    /// prediction; `Int.max` if that exceeds an `Int`.
    public var bytesPerBatchRow: Int {
        let values = Double(inputSize) + 4 * Double(denseInputs) + convolutionValuesPerImage
            + 3 * Double(hiddenUnits) + 3 * Double(classCount)
        let bytes = 4 * values + 8
        return bytes < 9e18 ? Int(bytes) : Int.max
    }

    /// The rows an evaluation batch takes: as many as `budget` bytes of
    /// per-row buffers hold, at least 1 and at most 1,000 (100 for the
    /// CNN, whose trunk gains little from larger batches).
    public func evaluationBatchRows(budget: Int = evaluationBatchBudget) -> Int {
        let cap = kind == .cnn ? 100 : 1_000
        return min(cap, max(1, budget / max(1, bytesPerBatchRow)))
    }

    /// Bytes a network with `rows` batch rows allocates: parameters and
    /// gradients plus the per-row buffers, from above; `Int.max` if that
    /// exceeds an `Int`.
    public func networkBytes(rows: Int) -> Int {
        let parameters = Double(parameterLayout.totalCount)
        let bytes = 2 * 4 * parameters + Double(rows) * Double(bytesPerBatchRow)
        return bytes < 9e18 ? Int(bytes) : Int.max
    }
}

/// Bytes as `1.5 GiB` or `300 MiB`, as the command-line tool prints them.
func describeBytes(_ bytes: Int) -> String {
    bytes >= 1 << 30
        ? String(format: "%.1f GiB", Double(bytes) / Double(1 << 30))
        : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
}
