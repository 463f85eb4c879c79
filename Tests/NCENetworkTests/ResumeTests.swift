import Foundation
import MNISTData
import NCENetwork
import SafeTensors
import XCTest

/// A run stopped at any step and resumed from its checkpoint must end in
/// the same bytes as the run that never stopped.
final class ResumeTests: XCTestCase {
    /// 600 training images in batches of 50: 12 steps per epoch, 36 in all.
    func mlpConfiguration(optimizer: OptimizerKind = .adam, threads: Int = 1) -> TrainingConfiguration {
        TrainingConfiguration(
            model: ModelConfiguration(hiddenUnits: 32), loss: .nce, numSampled: 2, epochs: 3, batchSize: 50,
            learningRate: 3e-3, optimizer: optimizer, seed: 11, threads: threads, validationSize: 100, dropout: 0.25)
    }

    /// 20 steps of batch 20 on 300 images: 15 steps per epoch, the second
    /// epoch partial.
    func cnnConfiguration() -> TrainingConfiguration {
        TrainingConfiguration(
            model: ModelConfiguration(kind: .cnn, hiddenUnits: 32), loss: .nce, numSampled: 3, epochs: 1,
            batchSize: 20, learningRate: 1e-3, seed: 4, threads: 2, validationSize: 50, steps: 20, dropout: 0.5)
    }

    /// Runs `configuration` to its end without stopping; the final file's bytes.
    func uninterrupted(_ configuration: TrainingConfiguration, data: MNISTDataSet, folder: String) throws -> Data {
        let path = folder + "/whole.safetensors"
        _ = try TrainingRun(configuration: configuration, checkpointPath: path).run(data: data)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Runs `configuration`, stopping it after `stopAfter` steps as a
    /// signal would; returns the checkpoint it left.
    func interrupted(
        _ configuration: TrainingConfiguration, data: MNISTDataSet, path: String, stopAfter: Int,
        checkpointEvery: Int? = nil
    ) throws -> TrainingInterrupted {
        var steps = 0
        var run = TrainingRun(configuration: configuration, checkpointPath: path, checkpointEvery: checkpointEvery)
        run.interruption = { steps >= stopAfter ? SIGINT : 0 }
        do {
            _ = try run.run(data: data, onStep: { _ in steps += 1 })
        } catch let stop as TrainingInterrupted {
            return stop
        }
        XCTFail("the run was expected to stop after \(stopAfter) steps")
        throw CocoaError(.userCancelled)
    }

    /// Resumes the run in `path` (in place) to its end; the final bytes.
    func resumed(_ path: String, data: MNISTDataSet, threads: Int? = nil) throws -> Data {
        let saved = try Checkpoint.load(path: path, trainingState: true)
        let snapshot = try XCTUnwrap(saved.training, "a stopped run's checkpoint holds its training state")
        var configuration = saved.configuration
        if let threads { configuration.threads = threads }
        _ = try TrainingRun(configuration: configuration, checkpointPath: path, dataSource: saved.dataSource)
            .run(data: data, resuming: (snapshot, saved.network.parameters))
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    func testMLPResumesToTheSameBytesFromMidEpochAndEpochEnd() throws {
        let data = try bundledSubset(train: 600, validation: 100, test: 200)
        let folder = try makeTemporaryFolder(for: self)
        let whole = try uninterrupted(mlpConfiguration(), data: data, folder: folder)
        // 17: in the second epoch; 12: the last step of the first epoch;
        // 1: after the very first step.
        for stop in [17, 12, 1] {
            let path = "\(folder)/stopped-\(stop).safetensors"
            let interruption = try interrupted(mlpConfiguration(), data: data, path: path, stopAfter: stop)
            XCTAssertEqual(interruption.stepsTaken, stop)
            XCTAssertEqual(interruption.signal, SIGINT)
            XCTAssertEqual(interruption.checkpoint, path)
            let state = try XCTUnwrap(Checkpoint.load(path: path, trainingState: true).training?.state)
            XCTAssertEqual(state.stepsTaken, stop)
            XCTAssertEqual(state.epochsDone, stop / 12)
            XCTAssertEqual(state.stepInEpoch, stop % 12)
            XCTAssertEqual(try resumed(path, data: data), whole, "stopped after step \(stop)")
        }
    }

    func testSGDMomentumIsRestoredToo() throws {
        let data = try bundledSubset(train: 600, validation: 100, test: 200)
        let folder = try makeTemporaryFolder(for: self)
        let whole = try uninterrupted(mlpConfiguration(optimizer: .sgd), data: data, folder: folder)
        let path = folder + "/stopped.safetensors"
        _ = try interrupted(mlpConfiguration(optimizer: .sgd), data: data, path: path, stopAfter: 20)
        let archive = try SafeTensorsFile.read(path: path)
        XCTAssertTrue(archive.contains("training_state.momentum.hidden.weight"))
        XCTAssertFalse(archive.contains("training_state.adam_m.hidden.weight"))
        XCTAssertEqual(try resumed(path, data: data), whole)
    }

    func testAResumedRunWithOtherThreadsEndsWithTheSameParameters() throws {
        let data = try bundledSubset(train: 600, validation: 100, test: 200)
        let folder = try makeTemporaryFolder(for: self)
        _ = try uninterrupted(mlpConfiguration(threads: 1), data: data, folder: folder)
        let path = folder + "/stopped.safetensors"
        _ = try interrupted(mlpConfiguration(threads: 1), data: data, path: path, stopAfter: 7)
        _ = try resumed(path, data: data, threads: 2)
        let a = try SafeTensorsFile.read(path: folder + "/whole.safetensors")
        let b = try SafeTensorsFile.read(path: path)
        for name in ["hidden.weight", "hidden.bias", "output.weight", "output.bias"] {
            XCTAssertEqual(try a.rawBytes(name), try b.rawBytes(name), name)
        }
    }

    func testCNNResumesToTheSameBytesWithCheckpointsEveryFewSteps() throws {
        let data = try bundledSubset(train: 300, validation: 50, test: 100)
        let folder = try makeTemporaryFolder(for: self)
        let whole = try uninterrupted(cnnConfiguration(), data: data, folder: folder)
        for stop in [6, 15, 17] {
            let path = "\(folder)/stopped-\(stop).safetensors"
            _ = try interrupted(cnnConfiguration(), data: data, path: path, stopAfter: stop, checkpointEvery: 4)
            XCTAssertEqual(try resumed(path, data: data), whole, "stopped after step \(stop)")
        }
    }

    func testCheckpointEveryWritesWithinTheEpoch() throws {
        let data = try bundledSubset(train: 600, validation: 100, test: 200)
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/every.safetensors"
        var seen: [Int] = []
        let run = TrainingRun(configuration: mlpConfiguration(), checkpointPath: path, checkpointEvery: 5)
        _ = try run.run(data: data, onStep: { progress in
            // The checkpoint of step s is written after step s's callback.
            if progress.stepsTaken == 8 || progress.stepsTaken == 11 || progress.stepsTaken == 14 {
                seen.append((try? Checkpoint.load(path: path, trainingState: true).training?.state.stepsTaken) ?? -1)
            }
        })
        // Before step 12 ends its epoch, the newest is step 5's, then 10's;
        // after it, the epoch's end (12).
        XCTAssertEqual(seen, [5, 10, 12])
    }

    func testFinalCheckpointLeavesTheTrainingStateOut() throws {
        let data = try bundledSubset(train: 600, validation: 100, test: 200)
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/stopped.safetensors"
        _ = try interrupted(mlpConfiguration(), data: data, path: path, stopAfter: 5)
        let during = try SafeTensorsFile.read(path: path)
        let names = try XCTUnwrap(during.metadata["training_state_tensors"]).split(separator: ",").map(String.init)
        XCTAssertEqual(names.count, 8, "two Adam moments for each of the four parameter tensors")
        for name in names { XCTAssertTrue(during.contains(name), name) }
        XCTAssertNotNil(during.metadata["training_state"])
        let duringSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)

        _ = try resumed(path, data: data)
        let final = try SafeTensorsFile.read(path: path)
        XCTAssertNil(final.metadata["training_state"])
        XCTAssertNil(final.metadata["training_state_tensors"])
        XCTAssertFalse(final.contains("training_state.adam_m.hidden.weight"))
        XCTAssertNotNil(final.metadata["test_accuracy"])
        let finalSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertGreaterThan(duringSize, finalSize * 5 / 2, "the moments triple the tensors")
        XCTAssertNil(try Checkpoint.load(path: path, trainingState: true).training)
    }

    func testAStateThatDoesNotFitTheRunIsRefused() throws {
        let data = try bundledSubset(train: 600, validation: 100, test: 200)
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/stopped.safetensors"
        _ = try interrupted(mlpConfiguration(), data: data, path: path, stopAfter: 5)
        let saved = try Checkpoint.load(path: path, trainingState: true)
        let snapshot = try XCTUnwrap(saved.training)
        var state = snapshot.state
        state.stepInEpoch = 40
        let trainer = try Trainer(configuration: mlpConfiguration(), data: data)
        XCTAssertThrowsError(try trainer.restore(
            state: state, parameters: saved.network.parameters, optimizerBuffers: snapshot.optimizerBuffers))
        XCTAssertThrowsError(try trainer.restore(
            state: snapshot.state, parameters: saved.network.parameters, optimizerBuffers: [:]))
    }

    func testStateFieldsRoundTripAndNameAMalformedField() throws {
        let data = try bundledSubset(train: 600, validation: 100, test: 200)
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/stopped.safetensors"
        _ = try interrupted(mlpConfiguration(), data: data, path: path, stopAfter: 14)
        let archive = try SafeTensorsFile.read(path: path)
        var fields = try JSONDecoder().decode(
            [String: String].self, from: Data(XCTUnwrap(archive.metadata["training_state"]).utf8))
        XCTAssertEqual(fields["steps_taken"], "14")
        XCTAssertEqual(fields["negatives_state"]?.split(separator: " ").count, 4)
        fields["negatives_state"] = "0000000000000000 0000000000000000 0000000000000000 0000000000000000"
        var metadata = archive.metadata
        metadata["training_state"] = String(decoding: try JSONEncoder().encode(fields), as: UTF8.self)
        let records = try archive.names.map { name in
            TensorRecord(name: name, shape: try archive.tensor(name).shape, floats: try archive.floats(name))
        }
        let forged = folder + "/forged.safetensors"
        try SafeTensorsFile.write(records, metadata: metadata, to: forged)
        XCTAssertThrowsError(try Checkpoint.load(path: forged, trainingState: true)) { error in
            XCTAssertTrue("\(error)".contains("negatives_state"), "\(error)")
        }
        // Readers that only want the network do not look at it.
        XCTAssertNoThrow(try Checkpoint.load(path: forged))
    }
}

/// The fuzzer's seed with a training state is one `train --resume` accepts,
/// so that fuzzing starts from the reader's whole path.
final class TrainingStateSeedTests: XCTestCase {
    func testTheFuzzSeedWithATrainingStateLoads() throws {
        let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(
                "Fuzz/corpus/safetensors/checkpoint-mlp-h4-training-state.safetensors").path
        let checkpoint = try Checkpoint.load(path: seed, trainingState: true)
        let training = try XCTUnwrap(checkpoint.training)
        XCTAssertEqual(training.state.stepsTaken, 1)
        XCTAssertEqual(Set(training.optimizerBuffers.keys), ["adam_m", "adam_v"])
        XCTAssertEqual(training.optimizerBuffers["adam_v"]?.count, checkpoint.configuration.model.parameterLayout.totalCount)
    }
}
