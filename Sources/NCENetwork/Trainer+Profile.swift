extension Trainer {
    /// The parts of a training step, in order, for profiling.
    public enum Phase: String, CaseIterable, Sendable {
        case loadBatch = "load batch"
        case trunkForward = "conv trunk forward"
        case hiddenForward = "hidden forward"
        case loss = "output loss forward+backward"
        case hiddenBackward = "hidden backward"
        case trunkBackward = "conv trunk backward"
        case update = "optimizer update"
    }

    /// Runs `steps` training steps (cycling through the epoch's batches, in
    /// the shuffled order the current epoch has in training, so the images
    /// come from all over the split as they do there) and returns the
    /// seconds spent in each phase, summed.
    public func profile(steps: Int) throws(TrainingError) -> [Phase: Double] {
        var order = RandomStream.order.generator(seed: configuration.seed, index: UInt64(epochsDone))
        batches.shuffle(using: &order)
        var seconds: [Phase: Double] = [:]
        let clock = ContinuousClock()
        var last = clock.now
        for index in 0..<steps {
            _ = try step(batch: index % stepsPerEpoch) { phase in
                let now = clock.now
                seconds[phase, default: 0] += (now - last).seconds
                last = now
            }
        }
        return seconds
    }
}
