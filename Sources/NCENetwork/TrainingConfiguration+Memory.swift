extension TrainingConfiguration {
    /// The bytes a training run with this configuration allocates beyond
    /// the data set itself: parameters, gradients and optimizer state, the
    /// per-batch activations and scratch, and a fixed allowance for the
    /// runtime. An estimate from above, used to refuse a run that cannot
    /// fit before anything large is allocated; `Int.max` when it exceeds
    /// what an `Int` holds.
    public var estimatedTrainingBytes: Int {
        let m = model
        let batch = Double(batchSize), hidden = Double(m.hiddenUnits), classes = Double(m.classCount)
        let parameters = Double(m.denseInputs) * hidden + hidden + classes * (hidden + 1)
            + Double(m.convolutionParameters)
        let values = [
            // parameters, gradients, and the optimizer's two moments
            4 * parameters,
            // the convolutional trunk's activations, gradients and scratch
            batch * m.convolutionValuesPerImage,
            // embed and its gradient, the dropout mask, logits and their
            // gradient, and the loss head's per-class scratch
            batch * (3 * hidden + 3 * classes),
            // the batch's pixels as floats, and the sparse kernel's row and
            // column copies of the dense layer's input (an index and a value
            // per entry, twice); all of it again for the next batch, which
            // the MLP prepares during the loss
            2 * (batch * Double(m.inputSize) + 4 * batch * Double(m.denseInputs)),
        ]
        let bytes = 4 * values.reduce(0, +) + Double(Self.runtimeAllowance)
        return bytes < 9e18 ? Int(bytes) : Int.max
    }

    /// Threads, stacks, libraries and small buffers: about what a run of
    /// the smallest configuration shows as its peak RSS.
    static let runtimeAllowance = 64 << 20
}

extension ModelConfiguration {
    /// Parameters of the convolutional trunk's filters and biases; 0 for
    /// the MLP.
    var convolutionParameters: Int {
        guard kind == .cnn else { return 0 }
        let k = Convolution.kernel, c1 = Convolution.firstChannels, c2 = Convolution.secondChannels
        return k * k * c1 + c1 + k * k * c1 * c2 + c2
    }

    /// Values per image the convolutional trunk keeps, from above: each
    /// activation and its gradient, the layers' padded copies and column
    /// scratch; 0 for the MLP.
    var convolutionValuesPerImage: Double {
        guard kind == .cnn else { return 0 }
        let k = Double(Convolution.kernel)
        let c1 = Double(Convolution.firstChannels), c2 = Double(Convolution.secondChannels)
        let padded = (Double(imageHeight) + k) * (Double(imageWidth) + k)
        // conv1: output, its gradient and padded copies (32 channels each),
        // and columns of k²; conv2 at a quarter of the pixels: 32- and
        // 64-channel activations, gradients and padded copies, and columns
        // of 32·k².
        return padded * (4 * c1 + k * k) + padded / 4 * (4 * c1 + 4 * c2 + c1 * k * k)
    }
}
