import RealModule

/// How the learning rate moves over a run.
public enum LearningRateSchedule: String, Sendable, CaseIterable, Codable {
    /// The base rate for every step.
    case constant
    /// Half a cosine from the base rate down to zero over the run.
    case cosine

    /// The rate for `step` (0-based) of `totalSteps`.
    ///
    /// - Precondition: `totalSteps > 0`; steps past the end get the final rate.
    public func rate(base: Double, step: Int, totalSteps: Int) -> Double {
        switch self {
        case .constant:
            return base
        case .cosine:
            let progress = min(Double(step) / Double(max(totalSteps, 1)), 1)
            return base * 0.5 * (1 + Double.cos(Double.pi * progress))
        }
    }
}
