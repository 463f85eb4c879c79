/// The network's shape: `inputs → dense(hidden, ReLU) = embed → classes`.
///
/// Stored in every checkpoint so that `eval` rebuilds the same network.
public struct ModelConfiguration: Sendable, Equatable, Codable {
    /// Values per input image (784 for 28×28 MNIST).
    public var inputSize: Int
    /// Units in the hidden layer, which is also the embedding width.
    public var hiddenUnits: Int
    /// Output classes.
    public var classCount: Int

    public init(inputSize: Int = 784, hiddenUnits: Int = 1024, classCount: Int = 10) {
        self.inputSize = inputSize
        self.hiddenUnits = hiddenUnits
        self.classCount = classCount
    }

    /// Names of the parameter tensors, as stored in checkpoints.
    public enum TensorName {
        public static let hiddenWeight = "hidden.weight"
        public static let hiddenBias = "hidden.bias"
        public static let outputWeight = "output.weight"
        public static let outputBias = "output.bias"
    }

    /// The parameter layout: hidden weight (inputs, hidden) — input-major,
    /// TensorFlow's dense-kernel layout, so that a zero pixel skips a whole
    /// row — hidden bias, output weight (classes, hidden) — the `W` of the
    /// output layer, TensorFlow's `nce_weights` layout — and output bias `b`.
    public var parameterLayout: ParameterLayout {
        ParameterLayout([
            (TensorName.hiddenWeight, [inputSize, hiddenUnits]),
            (TensorName.hiddenBias, [hiddenUnits]),
            (TensorName.outputWeight, [classCount, hiddenUnits]),
            (TensorName.outputBias, [classCount]),
        ])
    }
}
