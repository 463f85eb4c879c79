import SampledLosses
import RealModule

extension Network {
    /// Sets every parameter to its starting value, drawing from `rng`.
    ///
    /// Hidden weights are truncated normal with standard deviation
    /// `hiddenStandardDeviation` and hidden biases `hiddenBias`, as in the
    /// TensorFlow MNIST tutorial; the output weights `W` are truncated normal
    /// with standard deviation 1/√hidden and `b` is zero, as in the
    /// `nce_loss` recipe. Truncation redraws values beyond two deviations.
    public func initialize(
        using rng: inout some RandomNumberGenerator,
        hiddenStandardDeviation: Double = 0.1, hiddenBiasValue: Double = 0.1
    ) {
        fillTruncatedNormal(hiddenWeight, deviation: hiddenStandardDeviation, using: &rng)
        parameters.pointer(hiddenBias).update(repeating: T(hiddenBiasValue), count: hiddenBias.count)
        let outputDeviation = 1 / Double(configuration.hiddenUnits).squareRoot()
        fillTruncatedNormal(outputWeight, deviation: outputDeviation, using: &rng)
        parameters.pointer(outputBias).update(repeating: 0, count: outputBias.count)
        gradients.zero()
    }

    private func fillTruncatedNormal(
        _ entry: ParameterLayout.Entry, deviation: Double,
        using rng: inout some RandomNumberGenerator
    ) {
        let p = parameters.pointer(entry)
        for i in 0..<entry.count { p[i] = T(rng.nextTruncatedNormal() * deviation) }
    }
}
