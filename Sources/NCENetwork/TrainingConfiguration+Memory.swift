extension TrainingConfiguration {
    /// The bytes a training run with this configuration allocates beyond
    /// the data set itself: parameters, gradients and optimizer state, the
    /// per-batch activations and scratch, and a fixed allowance for the
    /// runtime. An estimate from above, used to refuse a run that cannot
    /// fit before anything large is allocated.
    public var estimatedTrainingBytes: Int {
        let m = model
        let (parameters, _) = m.inputSize.multipliedReportingOverflow(by: m.hiddenUnits)
        let total = [
            // parameters, gradients, and the optimizer's two moments
            Self.product(4, 4, parameters &+ m.hiddenUnits &+ m.classCount &* (m.hiddenUnits + 1)),
            // embed and its gradient, logits and their gradient
            Self.product(4, batchSize, 2 &* m.hiddenUnits &+ 2 &* m.classCount),
            // the batch's pixels as floats, and the sparse kernel's row and
            // column copies (an index and a value per pixel, twice)
            Self.product(4, batchSize, m.inputSize),
            Self.product(16, batchSize, m.inputSize),
            // the loss head's per-class scratch
            Self.product(4, batchSize, m.classCount),
            Self.runtimeAllowance,
        ]
        return total.reduce(0) { $0.addingReportingOverflow($1).overflow ? Int.max : $0 + $1 }
    }

    /// Threads, stacks, libraries and small buffers: about what a run of
    /// the smallest configuration shows as its peak RSS.
    static let runtimeAllowance = 64 << 20

    /// `a × b × c`, or `Int.max` on overflow.
    private static func product(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let (ab, o1) = a.multipliedReportingOverflow(by: b)
        let (abc, o2) = ab.multipliedReportingOverflow(by: c)
        return o1 || o2 ? Int.max : abc
    }
}
