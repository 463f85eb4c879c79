/// A loss over the true and sampled columns of an output layer: NCE or
/// sampled softmax. Lets a caller run either through one code path.
public protocol CandidateLoss {
    associatedtype Scalar: BinaryFloatingPoint

    /// Writes each example's loss to `losses` and returns their mean.
    // inputs (B,D), weights (C,D), biases (C), labels (B,T), trueExpectedCounts (B,T) -> losses (B)
    mutating func forward(
        losses: UnsafeMutablePointer<Scalar>, inputs: UnsafePointer<Scalar>, weights: UnsafePointer<Scalar>,
        biases: UnsafePointer<Scalar>, labels: UnsafePointer<Int32>,
        trueExpectedCounts: UnsafePointer<Float>, sample: CandidateSample, batch: Int
    ) throws(SampledLossError) -> Scalar

    /// Back-propagates `scale` times the gradient of the summed losses:
    /// overwrites `dInputs`, adds into the touched rows of `dWeights` and
    /// `dBiases`.
    // inputs (B,D), weights (C,D), labels (B,T) -> dInputs (B,D), dWeights (C,D) +=, dBiases (C) +=
    mutating func backward(
        dInputs: UnsafeMutablePointer<Scalar>, dWeights: UnsafeMutablePointer<Scalar>,
        dBiases: UnsafeMutablePointer<Scalar>, inputs: UnsafePointer<Scalar>, weights: UnsafePointer<Scalar>,
        labels: UnsafePointer<Int32>, sample: CandidateSample, batch: Int, scale: Scalar
    ) throws(SampledLossError)
}

extension NCELoss: CandidateLoss {
    public typealias Scalar = T
}

extension SampledSoftmaxLoss: CandidateLoss {
    public typealias Scalar = T
}
