import Foundation
import MNISTData
import NCENetwork
import XCTest

/// Short end-to-end runs on the first images of the bundled MNIST.
final class TrainerTests: XCTestCase {
    func smallConfiguration(loss: LossKind, numSampled: Int = 1, seed: UInt64 = 1) -> TrainingConfiguration {
        TrainingConfiguration(
            model: ModelConfiguration(hiddenUnits: 64), loss: loss, numSampled: numSampled,
            epochs: 3, batchSize: 16, learningRate: 3e-3, seed: seed, threads: 1, validationSize: 500)
    }

    func testEveryLossBeatsChanceByAWideMargin() throws {
        let data = try bundledSubset(train: 3_000, validation: 500, test: 1_000)
        // Chance is 10%. One-sample NCE learns from a single negative class
        // per step, so on 3,000 images it trails the others.
        let floors: [(LossKind, Int, Double)] = [(.softmax, 1, 0.8), (.nce, 1, 0.6), (.nce, 9, 0.8), (.sampledSoftmax, 3, 0.75)]
        for (loss, sampled, floor) in floors {
            let folder = try makeTemporaryFolder(for: self)
            let run = TrainingRun(
                configuration: smallConfiguration(loss: loss, numSampled: sampled),
                checkpointPath: folder + "/m.safetensors",
                metrics: try MetricsLog(path: folder + "/metrics.jsonl", mode: .create))
            var epochs: [EpochReport] = []
            let summary = try run.run(data: data, onEpoch: { epochs.append($0) })
            print("\(loss) num_sampled \(sampled): test accuracy \(summary.testAccuracy)")
            XCTAssertGreaterThan(summary.testAccuracy, floor, "\(loss) num_sampled \(sampled)")
            XCTAssertEqual(epochs.map(\.epoch), [1, 2, 3])
            XCTAssertLessThan(epochs[2].meanLoss, epochs[0].meanLoss, "\(loss): the loss must fall")
            let lines = try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8)
                .split(separator: "\n")
            XCTAssertEqual(lines.count, 3)
            XCTAssertTrue(lines[0].contains("\"validation_accuracy\""))
            let saved = try Checkpoint.load(path: folder + "/m.safetensors")
            XCTAssertEqual(saved.epoch, 3)
            XCTAssertEqual(Evaluator(network: saved.network).evaluate(data.test).accuracy, summary.testAccuracy, accuracy: 1e-12)
        }
    }

    func testSameSeedGivesAByteIdenticalCheckpoint() throws {
        let data = try bundledSubset(train: 600, validation: 100, test: 100)
        let folder = try makeTemporaryFolder(for: self)
        var files: [Data] = []
        for (name, seed) in [("a", UInt64(5)), ("b", 5), ("c", 6)] {
            var configuration = smallConfiguration(loss: .nce, numSampled: 2, seed: seed)
            configuration.epochs = 1
            let path = "\(folder)/\(name).safetensors"
            _ = try TrainingRun(configuration: configuration, checkpointPath: path).run(data: data)
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        XCTAssertEqual(files[0], files[1], "same seed, options and threads must give the same bytes")
        XCTAssertNotEqual(files[0], files[2], "another seed must give other parameters")
    }

    func cnnConfiguration(loss: LossKind, seed: UInt64 = 1, threads: Int = 1) -> TrainingConfiguration {
        TrainingConfiguration(
            model: ModelConfiguration(kind: .cnn, hiddenUnits: 64), loss: loss, numSampled: 9,
            epochs: 1, batchSize: 20, learningRate: 1e-3, schedule: .constant, seed: seed, threads: threads,
            validationSize: 100, steps: 150, dropout: 0.5)
    }

    /// 150 steps of 20 images: far from converged, far above chance (10%).
    /// NCE with 9 negatives; with one it is still near chance this early.
    func testShortCNNRunBeatsChanceByAWideMargin() throws {
        let data = try bundledSubset(train: 3_000, validation: 100, test: 500)
        for loss in [LossKind.softmax, .nce] {
            let folder = try makeTemporaryFolder(for: self)
            let summary = try TrainingRun(
                configuration: cnnConfiguration(loss: loss), checkpointPath: folder + "/cnn.safetensors"
            ).run(data: data)
            print("cnn \(loss): test accuracy \(summary.testAccuracy) after \(summary.steps) steps")
            XCTAssertEqual(summary.steps, 150)
            XCTAssertEqual(summary.imagesTrained, 3_000)
            XCTAssertGreaterThan(summary.testAccuracy, 0.6, "\(loss)")
            let saved = try Checkpoint.load(path: folder + "/cnn.safetensors")
            XCTAssertEqual(saved.configuration.model.kind, .cnn)
            XCTAssertEqual(Evaluator(network: saved.network).evaluate(data.test).accuracy, summary.testAccuracy, accuracy: 1e-12)
        }
    }

    /// Same seed, options and threads: the same bytes; and two threads
    /// give the same parameters as one.
    func testCNNSameSeedGivesAByteIdenticalCheckpoint() throws {
        let data = try bundledSubset(train: 300, validation: 100, test: 50)
        let folder = try makeTemporaryFolder(for: self)
        var files: [Data] = []
        var parameters: [[UInt32]] = []
        for (name, seed, threads) in [("a", UInt64(5), 1), ("b", 5, 1), ("c", 5, 2), ("d", 6, 1)] {
            var configuration = cnnConfiguration(loss: .nce, seed: seed, threads: threads)
            configuration.steps = 8
            let path = "\(folder)/\(name).safetensors"
            _ = try TrainingRun(configuration: configuration, checkpointPath: path).run(data: data)
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            parameters.append(try Checkpoint.load(path: path).network.parameters.allValues().map(\.bitPattern))
        }
        XCTAssertEqual(files[0], files[1], "same seed, options and threads must give the same bytes")
        XCTAssertEqual(parameters[0], parameters[2], "two threads must give the same parameters as one")
        XCTAssertNotEqual(parameters[0], parameters[3], "another seed must give other parameters")
    }

    /// The thread count changes how the work is shared, never the result:
    /// the same seed gives the same parameters, bit for bit, on 1 to 8
    /// threads (more threads than this machine may have cores). Softmax
    /// runs its full output layer on the pool, in groups of 16 rows (a
    /// batch of 40 makes three, the last partial) and of 128 columns.
    func testThreadCountDoesNotChangeTheParameters() throws {
        let data = try bundledSubset(train: 600, validation: 100, test: 100)
        for (loss, batchSize) in [(LossKind.nce, 16), (.softmax, 40)] {
            let folder = try makeTemporaryFolder(for: self)
            var parameters: [[UInt32]] = []
            for threads in [1, 2, 3, 8] {
                var configuration = smallConfiguration(loss: loss, numSampled: 2, seed: 9)
                // The default width: several column tiles in the sparse kernels.
                configuration.model.hiddenUnits = 1024
                configuration.epochs = 1
                configuration.batchSize = batchSize
                configuration.threads = threads
                let path = "\(folder)/\(threads).safetensors"
                _ = try TrainingRun(configuration: configuration, checkpointPath: path).run(data: data)
                parameters.append(try Checkpoint.load(path: path).network.parameters.allValues().map(\.bitPattern))
            }
            for (index, threads) in [2, 3, 8].enumerated() {
                XCTAssertTrue(parameters[index + 1] == parameters[0], "\(loss): \(threads) threads against 1")
            }
        }
    }

    /// The steps that load and list the next batch during the loss are
    /// the ones `testThreadCountDoesNotChangeTheParameters` compares with
    /// one thread, where nothing runs beside the loss.
    func testTheNextBatchIsPreparedDuringSampledLossesOnSeveralThreads() throws {
        let data = try bundledSubset(train: 100, validation: 20, test: 20)
        func prepares(_ loss: LossKind, threads: Int, kind: ModelKind = .mlp) throws -> Bool {
            var configuration = smallConfiguration(loss: loss, numSampled: 2)
            configuration.threads = threads
            configuration.model = ModelConfiguration(kind: kind, hiddenUnits: 32)
            return try Trainer(configuration: configuration, data: data).preparesNextBatchDuringLoss
        }
        XCTAssertTrue(try prepares(.nce, threads: 2))
        XCTAssertTrue(try prepares(.sampledSoftmax, threads: 3))
        XCTAssertFalse(try prepares(.nce, threads: 1))
        XCTAssertFalse(try prepares(.softmax, threads: 2))
        XCTAssertFalse(try prepares(.nce, threads: 2, kind: .cnn))
    }

    /// Softmax keeps the pool busy during its loss, so it loads and lists
    /// the next batch during the hidden layer's backward pass instead; a
    /// step leaves the epoch's next batch prepared, except the epoch's
    /// last step and on one thread.
    func testEveryLossPreparesTheNextBatchOnSeveralThreads() throws {
        let data = try bundledSubset(train: 100, validation: 20, test: 20)
        func trainer(_ loss: LossKind, threads: Int) throws -> Trainer {
            var configuration = smallConfiguration(loss: loss, numSampled: 2)
            configuration.threads = threads
            configuration.model = ModelConfiguration(hiddenUnits: 32)
            return try Trainer(configuration: configuration, data: data)
        }
        for loss in LossKind.allCases {
            let several = try trainer(loss, threads: 2)
            XCTAssertEqual(several.preparesNextBatchDuringBackward, loss == .softmax, "\(loss)")
            XCTAssertNil(several.batchPreparedAhead)
            _ = try several.profile(steps: 3)
            XCTAssertEqual(several.batchPreparedAhead, 3, "\(loss): the step after batch 2")
            // A whole epoch from batch 0 ends on its last batch.
            _ = try several.profile(steps: several.stepsPerEpoch)
            XCTAssertNil(several.batchPreparedAhead, "\(loss): nothing after the epoch's last batch")
            let one = try trainer(loss, threads: 1)
            XCTAssertFalse(one.preparesNextBatchDuringBackward)
            _ = try one.profile(steps: 3)
            XCTAssertNil(one.batchPreparedAhead, "\(loss): one thread prepares nothing")
        }
    }

    func testDefaultThreadsAreTheAvailableCores() {
        let cores = TrainingConfiguration.availableCores
        XCTAssertTrue(TrainingConfiguration.threadRange.contains(cores))
        XCTAssertEqual(TrainingConfiguration().threads, cores)
        XCTAssertNil(TrainingConfiguration().problem())
    }

    func testDivergenceStopsWithAClearError() throws {
        let data = try bundledSubset(train: 600, validation: 0, test: 100)
        var configuration = smallConfiguration(loss: .softmax)
        configuration.learningRate = TrainingConfiguration.maximumLearningRate
        configuration.optimizer = .sgd
        configuration.schedule = .constant
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/m.safetensors"
        XCTAssertThrowsError(
            try TrainingRun(configuration: configuration, checkpointPath: path).run(data: data)
        ) { error in
            switch error {
            case TrainingError.diverged(let epoch, _, _), TrainingError.exploded(let epoch, _, _, _):
                XCTAssertEqual(epoch, 1)
            default:
                XCTFail("expected divergence, got \(error)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "a diverged first epoch writes no checkpoint")
    }

    func testInvalidConfigurationsAreRefused() throws {
        let data = try bundledSubset(train: 100, validation: 10, test: 10)
        var tooMany = smallConfiguration(loss: .nce, numSampled: 11)
        tooMany.uniqueSamples = true
        XCTAssertThrowsError(try Trainer(configuration: tooMany, data: data)) { error in
            XCTAssertTrue("\(error)".contains("--num-sampled"), "\(error)")
        }
        var zeroBatch = smallConfiguration(loss: .softmax)
        zeroBatch.batchSize = 0
        XCTAssertNotNil(zeroBatch.problem())
        var negativeRate = smallConfiguration(loss: .softmax)
        negativeRate.learningRate = -1
        XCTAssertNotNil(negativeRate.problem())
        var hugeRate = smallConfiguration(loss: .softmax)
        hugeRate.learningRate = TrainingConfiguration.maximumLearningRate.nextUp
        XCTAssertEqual(hugeRate.problem(), "--learning-rate must be at most 10.0, got \(hugeRate.learningRate)")
        hugeRate.learningRate = TrainingConfiguration.maximumLearningRate
        XCTAssertNil(hugeRate.problem())
        var wrongInput = smallConfiguration(loss: .softmax)
        wrongInput.model.imageWidth = 10
        XCTAssertThrowsError(try Trainer(configuration: wrongInput, data: data))
    }
}
