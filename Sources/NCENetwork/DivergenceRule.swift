/// When a finite loss still means the run has diverged.
///
/// The rule: an exponential moving average of the step losses (weight
/// 1/32 for the newest, starting at the first step's loss) above `factor`
/// times the first step's loss. The first step's loss is that of the
/// untrained network, which every healthy run soon goes below; an average
/// over about 32 steps rides out single noisy batches, while a learning
/// rate that makes the weights blow up multiplies the loss by orders of
/// magnitude within a few steps.
public struct DivergenceRule {
    /// How far above the first step's loss the smoothed loss may go.
    public static let factor = 10.0
    /// Weight of the newest step in the moving average.
    public static let weight = 1.0 / 32

    /// The first step's loss, once seen.
    private(set) var initial: Double?
    /// The moving average of the step losses.
    private(set) var smoothed = 0.0

    public init() {}

    /// A rule that has already seen losses: `initial` first, averaging to
    /// `smoothed` (a resumed run's).
    init(initial: Double?, smoothed: Double) {
        self.initial = initial
        self.smoothed = smoothed
    }

    /// Takes the next step's loss; true when the run has diverged.
    mutating func observe(_ loss: Double) -> Bool {
        guard let initial else {
            initial = loss
            smoothed = loss
            return false
        }
        smoothed += (loss - smoothed) * Self.weight
        // A first loss of (nearly) zero leaves nothing to compare with.
        return initial > 1e-6 && smoothed > Self.factor * initial
    }
}
