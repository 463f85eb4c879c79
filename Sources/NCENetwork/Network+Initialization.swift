import SampledLosses
import RealModule

extension Network {
    /// Sets every parameter to its starting value, drawing from `rng`.
    ///
    /// Convolution filters (CNN) are truncated normal with standard
    /// deviation `hiddenStandardDeviation` and their biases `hiddenBiasValue`, drawn
    /// first, conv1 then conv2. Hidden weights are truncated normal with standard deviation
    /// `hiddenStandardDeviation` and hidden biases `hiddenBiasValue`, as in the
    /// TensorFlow MNIST tutorial; the output weights `W` are truncated normal
    /// with standard deviation 1/√hidden and `b` is zero, as in the
    /// `nce_loss` recipe. Truncation redraws values beyond two deviations.
    public func initialize(
        using rng: inout some RandomNumberGenerator,
        hiddenStandardDeviation: Double = 0.1, hiddenBiasValue: Double = 0.1
    ) {
        if configuration.kind == .cnn {
            typealias Name = ModelConfiguration.TensorName
            for (filter, bias) in [(Name.conv1Filter, Name.conv1Bias), (Name.conv2Filter, Name.conv2Bias)] {
                let filterEntry = parameters.layout.entry(filter)!, biasEntry = parameters.layout.entry(bias)!
                fillTruncatedNormal(filterEntry, deviation: hiddenStandardDeviation, using: &rng)
                parameters.pointer(biasEntry).update(repeating: T(hiddenBiasValue), count: biasEntry.count)
            }
        }
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
