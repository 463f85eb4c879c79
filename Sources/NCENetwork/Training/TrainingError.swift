import Foundation

/// Why training stopped early.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The loss became NaN or infinite; the last checkpoint written, if
    /// any, is left as it was.
    case diverged(epoch: Int, step: Int, loss: Double)
    /// The smoothed loss grew past `DivergenceRule.factor` times the loss
    /// of the first step (see `DivergenceRule`).
    case exploded(epoch: Int, step: Int, smoothedLoss: Double, initialLoss: Double)
    /// The loss rejected a batch (a label outside the model's classes).
    case lossFailed(String)
    /// The options do not fit the data (for example more classes in the
    /// data than the model has).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case let .diverged(epoch, step, loss):
            return "training diverged: the loss became \(loss) at epoch \(epoch), step \(step); lower --learning-rate"
        case let .exploded(epoch, step, smoothed, initial):
            return "training diverged: the smoothed loss grew to \(Self.format(smoothed)), over "
                + "\(Int(DivergenceRule.factor))× the first step's \(Self.format(initial)), at epoch \(epoch), "
                + "step \(step); lower --learning-rate"
        case let .invalidConfiguration(message), let .lossFailed(message):
            return message
        }
    }

    private static func format(_ value: Double) -> String {
        abs(value) >= 1e5 || abs(value) < 1e-3 ? String(format: "%.3g", value) : String(format: "%.4f", value)
    }
}
