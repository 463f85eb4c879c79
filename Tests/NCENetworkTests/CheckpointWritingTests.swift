import Foundation
import MNISTData
@testable import NCENetwork
import SampledLosses
import XCTest

/// The checkpoint writer's two forms: views of the parameter arena and the
/// training state's buffers (little-endian processors), and records that
/// hold encoded copies (the others).
final class CheckpointWritingTests: XCTestCase {
    /// Both forms give the same bytes, with and without the training state,
    /// for Adam (two buffers) and SGD (one, its velocity).
    func testViewsAndRecordsWriteTheSameFile() throws {
        let data = try bundledSubset(train: 96, validation: 16, test: 16)
        let folder = try makeTemporaryFolder(for: self)
        for optimizer in [OptimizerKind.adam, .sgd] {
            let configuration = TrainingConfiguration(
                model: ModelConfiguration(hiddenUnits: 48), loss: .nce, numSampled: 2, epochs: 1, batchSize: 16,
                learningRate: 1e-3, optimizer: optimizer, seed: 5, threads: 2, validationSize: 16)
            let trainer = try Trainer(configuration: configuration, data: data)
            _ = try trainer.runEpoch()
            for training in [TrainingSnapshot(trainer), nil] {
                let checkpoint = Checkpoint(
                    configuration: configuration, epoch: 1, validationAccuracy: 0.5, network: trainer.network,
                    training: training)
                let views = folder + "/views.safetensors", records = folder + "/records.safetensors"
                try checkpoint.saveViews(to: views)
                try checkpoint.saveRecords(to: records)
                let bytes = try Data(contentsOf: URL(fileURLWithPath: views))
                XCTAssertEqual(bytes, try Data(contentsOf: URL(fileURLWithPath: records)), "\(optimizer), state \(training != nil)")
                let loaded = try Checkpoint.load(path: views, trainingState: true)
                XCTAssertEqual(
                    loaded.network.parameters.allValues().map(\.bitPattern),
                    trainer.network.parameters.allValues().map(\.bitPattern))
                XCTAssertEqual(loaded.training?.optimizerBuffers.mapValues { $0.map(\.bitPattern) },
                               training?.optimizerBuffers.mapValues { $0.map(\.bitPattern) })
            }
        }
    }
}
