/// Which network computes the embedding.
public enum ModelKind: String, Sendable, CaseIterable, Codable {
    /// `pixels → dense(hidden, ReLU) = embed`.
    case mlp
    /// TensorFlow's MNIST tutorial network (`deepnn`): conv 5×5×32, ReLU,
    /// max-pool 2×2, conv 5×5×64, ReLU, max-pool 2×2, flatten,
    /// dense(hidden, ReLU) = embed.
    case cnn
}

/// The network's shape: a trunk (`ModelKind`) to the embedding of `hidden`
/// units, then the output layer over `classes`.
///
/// Stored in every checkpoint so that `eval` rebuilds the same network.
public struct ModelConfiguration: Sendable, Equatable {
    public var kind: ModelKind
    /// Rows and columns of an input image.
    public var imageHeight: Int
    public var imageWidth: Int
    /// Units in the last hidden layer, which is also the embedding width.
    public var hiddenUnits: Int
    /// Output classes.
    public var classCount: Int

    public init(
        kind: ModelKind = .mlp, imageHeight: Int = 28, imageWidth: Int = 28,
        hiddenUnits: Int = 1024, classCount: Int = 10
    ) {
        self.kind = kind
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.hiddenUnits = hiddenUnits
        self.classCount = classCount
    }

    /// An MLP over inputs of `inputSize` values, taken as one row.
    public init(inputSize: Int, hiddenUnits: Int = 1024, classCount: Int = 10) {
        self.init(kind: .mlp, imageHeight: 1, imageWidth: inputSize, hiddenUnits: hiddenUnits, classCount: classCount)
    }

    /// Values per input image: height × width (784 for MNIST); `Int.max`
    /// if that overflows.
    public var inputSize: Int {
        let (size, overflow) = imageHeight.multipliedReportingOverflow(by: imageWidth)
        return overflow ? Int.max : size
    }

    /// The convolutional trunk's fixed sizes (TensorFlow's tutorial).
    public enum Convolution {
        public static let kernel = 5
        public static let firstChannels = 32
        public static let secondChannels = 64
    }

    /// Height and width after one 2×2 SAME max-pool: ⌈n/2⌉.
    static func pooled(_ n: Int) -> Int { (n + 1) / 2 }

    /// Features the dense layer reads: the pixels (MLP), or the second
    /// pool's output flattened in height, width, channel order (CNN).
    public var denseInputs: Int {
        switch kind {
        case .mlp: inputSize
        case .cnn: Self.pooled(Self.pooled(imageHeight)) * Self.pooled(Self.pooled(imageWidth)) * Convolution.secondChannels
        }
    }

    /// Names of the parameter tensors, as stored in checkpoints.
    public enum TensorName {
        public static let conv1Filter = "conv1.filter"
        public static let conv1Bias = "conv1.bias"
        public static let conv2Filter = "conv2.filter"
        public static let conv2Bias = "conv2.bias"
        public static let hiddenWeight = "hidden.weight"
        public static let hiddenBias = "hidden.bias"
        public static let outputWeight = "output.weight"
        public static let outputBias = "output.bias"
    }

    /// The parameter layout, in TensorFlow's layouts so that its models
    /// can load the tensors as they are: conv filters HWIO
    /// (kernel, kernel, in, out); the dense weight (inputs, hidden),
    /// input-major — TensorFlow's dense kernel, so that a zero input skips
    /// a whole row; its bias; the output weight `W` (classes, hidden) —
    /// TensorFlow's `nce_weights`; and the output bias `b`.
    ///
    /// The MLP's hidden weight leads its layout; the CNN's filters lead its.
    public var parameterLayout: ParameterLayout {
        var entries: [(String, [Int])] = []
        if kind == .cnn {
            let k = Convolution.kernel
            entries += [
                (TensorName.conv1Filter, [k, k, 1, Convolution.firstChannels]),
                (TensorName.conv1Bias, [Convolution.firstChannels]),
                (TensorName.conv2Filter, [k, k, Convolution.firstChannels, Convolution.secondChannels]),
                (TensorName.conv2Bias, [Convolution.secondChannels]),
            ]
        }
        entries += [
            (TensorName.hiddenWeight, [denseInputs, hiddenUnits]),
            (TensorName.hiddenBias, [hiddenUnits]),
            (TensorName.outputWeight, [classCount, hiddenUnits]),
            (TensorName.outputBias, [classCount]),
        ]
        return ParameterLayout(entries)
    }
}

extension ModelConfiguration: Codable {
    enum CodingKeys: String, CodingKey {
        case kind, imageHeight, imageWidth, inputSize, hiddenUnits, classCount
    }

    /// Reads both this form and the one written before the CNN existed,
    /// which had no kind (an MLP) and only `inputSize`; its images are
    /// taken as square when the size is a square (784 = 28 × 28), else as
    /// one row.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(ModelKind.self, forKey: .kind) ?? .mlp
        hiddenUnits = try c.decode(Int.self, forKey: .hiddenUnits)
        classCount = try c.decode(Int.self, forKey: .classCount)
        if let height = try c.decodeIfPresent(Int.self, forKey: .imageHeight) {
            imageHeight = height
            imageWidth = try c.decode(Int.self, forKey: .imageWidth)
        } else {
            let size = try c.decode(Int.self, forKey: .inputSize)
            let side = Int(Double(max(size, 0)).squareRoot().rounded())
            (imageHeight, imageWidth) = side * side == size ? (side, side) : (1, size)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(imageHeight, forKey: .imageHeight)
        try c.encode(imageWidth, forKey: .imageWidth)
        try c.encode(inputSize, forKey: .inputSize)
        try c.encode(hiddenUnits, forKey: .hiddenUnits)
        try c.encode(classCount, forKey: .classCount)
    }
}
