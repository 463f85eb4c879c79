import SampledLosses

/// Everything besides the parameters and the optimiser's moments that a
/// stopped run needs to continue exactly as if it had not stopped.
///
/// The epoch's image order is not stored: it follows from the seed and the
/// epoch (`RandomStream.order`). Floating-point figures that steer the run
/// are stored as bit patterns, so a resumed run takes exactly the same
/// decisions. Nothing here depends on the clock, so equal runs store equal
/// states.
public struct TrainingState: Equatable, Sendable {
    /// Steps taken in the whole run.
    public var stepsTaken: Int
    /// Epochs completed.
    public var epochsDone: Int
    /// Steps taken in the current, unfinished epoch (0 at an epoch's end).
    public var stepInEpoch: Int
    /// Images the steps so far went through.
    public var imagesTrained: Int
    /// The optimiser's step count (Adam's bias correction).
    public var optimizerSteps: Int
    /// The raw states of the negatives' and the dropout masks' streams.
    public var negatives: (UInt64, UInt64, UInt64, UInt64)
    public var dropout: (UInt64, UInt64, UInt64, UInt64)
    /// The divergence rule's first loss (nil before the first step) and
    /// moving average.
    public var divergenceInitial: Double?
    public var divergenceSmoothed: Double
    /// The sum of the current epoch's step losses, for its mean.
    public var epochLossSum: Double
    /// The last completed epoch's validation accuracy and mean loss.
    public var validationAccuracy: Double?
    public var lastEpochLoss: Double?

    public static func == (a: TrainingState, b: TrainingState) -> Bool {
        a.stepsTaken == b.stepsTaken && a.epochsDone == b.epochsDone && a.stepInEpoch == b.stepInEpoch
            && a.imagesTrained == b.imagesTrained && a.optimizerSteps == b.optimizerSteps
            && a.negatives == b.negatives && a.dropout == b.dropout
            && a.divergenceInitial?.bitPattern == b.divergenceInitial?.bitPattern
            && a.divergenceSmoothed.bitPattern == b.divergenceSmoothed.bitPattern
            && a.epochLossSum.bitPattern == b.epochLossSum.bitPattern
            && a.validationAccuracy?.bitPattern == b.validationAccuracy?.bitPattern
            && a.lastEpochLoss?.bitPattern == b.lastEpochLoss?.bitPattern
    }
}

extension TrainingState {
    /// The state as flat text fields, for a checkpoint's metadata: whole
    /// numbers in decimal, generator states and floating-point values as
    /// 16-digit hexadecimal bit patterns.
    var fields: [String: String] {
        var f: [String: String] = [
            "steps_taken": String(stepsTaken), "epochs_done": String(epochsDone),
            "step_in_epoch": String(stepInEpoch), "images_trained": String(imagesTrained),
            "optimizer_steps": String(optimizerSteps),
            "negatives_state": Self.hex(negatives), "dropout_state": Self.hex(dropout),
            "divergence_smoothed": Self.hex(divergenceSmoothed.bitPattern),
            "epoch_loss_sum": Self.hex(epochLossSum.bitPattern),
        ]
        if let divergenceInitial { f["divergence_initial"] = Self.hex(divergenceInitial.bitPattern) }
        if let validationAccuracy { f["validation_accuracy"] = Self.hex(validationAccuracy.bitPattern) }
        if let lastEpochLoss { f["last_epoch_loss"] = Self.hex(lastEpochLoss.bitPattern) }
        return f
    }

    /// Reads `fields`.
    ///
    /// - Throws: `TrainingStateError` naming the first missing or malformed
    ///   field.
    init(fields f: [String: String]) throws(TrainingStateError) {
        func whole(_ key: String) throws(TrainingStateError) -> Int {
            guard let text = f[key], let value = Int(text), value >= 0 else { throw TrainingStateError(field: key) }
            return value
        }
        func bits(_ key: String) throws(TrainingStateError) -> UInt64 {
            guard let text = f[key], text.utf8.count == 16, let value = UInt64(text, radix: 16) else {
                throw TrainingStateError(field: key)
            }
            return value
        }
        func generator(_ key: String) throws(TrainingStateError) -> (UInt64, UInt64, UInt64, UInt64) {
            let words = f[key]?.split(separator: " ").compactMap { $0.utf8.count == 16 ? UInt64($0, radix: 16) : nil }
            // xoshiro's all-zero state is a fixed point no real run reaches.
            guard let words, words.count == 4, words.contains(where: { $0 != 0 }) else {
                throw TrainingStateError(field: key)
            }
            return (words[0], words[1], words[2], words[3])
        }
        stepsTaken = try whole("steps_taken")
        epochsDone = try whole("epochs_done")
        stepInEpoch = try whole("step_in_epoch")
        imagesTrained = try whole("images_trained")
        optimizerSteps = try whole("optimizer_steps")
        negatives = try generator("negatives_state")
        dropout = try generator("dropout_state")
        divergenceSmoothed = Double(bitPattern: try bits("divergence_smoothed"))
        epochLossSum = Double(bitPattern: try bits("epoch_loss_sum"))
        divergenceInitial = f["divergence_initial"] == nil ? nil : Double(bitPattern: try bits("divergence_initial"))
        validationAccuracy = f["validation_accuracy"] == nil ? nil : Double(bitPattern: try bits("validation_accuracy"))
        lastEpochLoss = f["last_epoch_loss"] == nil ? nil : Double(bitPattern: try bits("last_epoch_loss"))
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func hex(_ state: (UInt64, UInt64, UInt64, UInt64)) -> String {
        [state.0, state.1, state.2, state.3].map(hex).joined(separator: " ")
    }
}

/// A training-state field of a checkpoint that is missing or malformed.
public struct TrainingStateError: Error, Sendable {
    public let field: String
}
