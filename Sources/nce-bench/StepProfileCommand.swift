import ArgumentParser
import MNISTData
import NCENetwork
import SampledLosses

/// Where a training step's time goes, on synthetic MNIST-shaped data.
struct StepProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Time each phase of the training step on synthetic MNIST-shaped data.")

    @Option var model = "mlp"
    @Option var loss = "nce"
    @Option var numSampled = 1
    @Option var batch = 128
    @Option var threads = 2
    @Option var steps = 400

    func run() throws {
        guard let kind = LossKind(rawValue: loss) else { throw ValidationError("unknown --loss \(loss)") }
        guard let modelKind = ModelKind(rawValue: model) else { throw ValidationError("unknown --model \(model)") }
        // Synthetic images: about 19% non-zero pixels, as in MNIST.
        var rng = SeededGenerator(seed: 3)
        let count = 60 * batch
        let pixels = (0..<(count * 784)).map { _ in rng.nextUnitInterval() < 0.19 ? UInt8(rng.nextIndex(below: 256)) : 0 }
        let labels = (0..<count).map { _ in UInt8(rng.nextIndex(below: 10)) }
        let images = try ImageSet(rows: 28, columns: 28, pixels: pixels, labels: labels)
        let empty = try ImageSet(rows: 28, columns: 28, pixels: [], labels: [])
        let data = try MNISTDataSet(train: images, validation: empty, test: empty)
        var configuration = TrainingConfiguration.recipe(for: modelKind)
        configuration.loss = kind
        configuration.numSampled = numSampled
        configuration.batchSize = batch
        configuration.threads = threads
        let trainer = try Trainer(configuration: configuration, data: data)
        _ = try trainer.profile(steps: 20)
        let seconds = try trainer.profile(steps: steps)
        let total = seconds.values.reduce(0, +)
        print("OpenBLAS kernel \(BLASThreads.coreName), \(threads) threads, \(model), batch \(batch), \(loss)")
        for phase in Trainer.Phase.allCases {
            let s = seconds[phase, default: 0]
            print(String(format: "%-30@ %8.3f ms/step  %5.1f%%", phase.rawValue, s / Double(steps) * 1000, s / total * 100))
        }
        print(String(format: "%-30@ %8.3f ms/step  = %.0f images/s", "total", total / Double(steps) * 1000, Double(steps * batch) / total))
    }
}
