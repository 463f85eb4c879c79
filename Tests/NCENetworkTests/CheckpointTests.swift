import Foundation
import NCENetwork
import SafeTensors
import SampledLosses
import XCTest

final class CheckpointTests: XCTestCase {
    let configuration = TrainingConfiguration(
        model: ModelConfiguration(inputSize: 12, hiddenUnits: 8, classCount: 10),
        loss: .nce, numSampled: 3, epochs: 2, batchSize: 4, seed: 99)

    func makeCheckpoint() -> Checkpoint {
        var rng = SeededGenerator(seed: 3)
        let network = Network<Float>(configuration: configuration.model, maxBatch: 4)
        network.initialize(using: &rng)
        // Awkward values that a lossy writer would change.
        let hidden = network.parameters.pointer(network.hiddenBias)
        hidden[0] = -0.0
        hidden[1] = .leastNonzeroMagnitude
        hidden[2] = .greatestFiniteMagnitude
        return Checkpoint(configuration: configuration, epoch: 2, validationAccuracy: 0.875, network: network)
    }

    func testRoundTripIsBitExact() throws {
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/model.safetensors"
        let saved = makeCheckpoint()
        try saved.save(to: path)
        let loaded = try Checkpoint.load(path: path)
        XCTAssertEqual(loaded.configuration, configuration)
        XCTAssertEqual(loaded.epoch, 2)
        XCTAssertEqual(loaded.validationAccuracy ?? 0, 0.875, accuracy: 1e-12)
        XCTAssertEqual(
            loaded.network.parameters.allValues().map(\.bitPattern),
            saved.network.parameters.allValues().map(\.bitPattern))
    }

    func testMetadataDescribesTheRun() throws {
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/model.safetensors"
        try makeCheckpoint().save(to: path)
        let archive = try SafeTensorsFile.read(path: path)
        XCTAssertEqual(archive.metadata["format"], "mnist-nce")
        XCTAssertEqual(archive.metadata["loss"], "nce")
        XCTAssertEqual(archive.metadata["num_sampled"], "3")
        XCTAssertEqual(archive.metadata["seed"], "99")
        XCTAssertEqual(archive.metadata["epoch"], "2")
        XCTAssertEqual(archive.metadata["hidden"], "8")
        XCTAssertEqual(try archive.tensor("output.weight").shape, [10, 8])
        XCTAssertEqual(try archive.tensor("hidden.weight").shape, [12, 8])
    }

    func testTruncatedCheckpointsAreRejected() throws {
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/model.safetensors"
        try makeCheckpoint().save(to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in [0, 4, 8, 20, bytes.count / 2, bytes.count - 1] {
            let damaged = folder + "/cut-\(cut).safetensors"
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: damaged))
            XCTAssertThrowsError(try Checkpoint.load(path: damaged), "cut at \(cut)") { error in
                let failure = error as? CheckpointError
                XCTAssertEqual(failure?.exitCode, 65, "cut at \(cut)")
                XCTAssertTrue(failure?.description.contains(damaged) ?? false, "\(error)")
            }
        }
    }

    func testCorruptedHeaderIsRejected() throws {
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/model.safetensors"
        try makeCheckpoint().save(to: path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Break the JSON's opening brace.
        bytes[8] = UInt8(ascii: "[")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Checkpoint.load(path: path)) { error in
            XCTAssertEqual((error as? CheckpointError)?.exitCode, 65)
        }
    }

    func testMissingFileIsNoInput() {
        XCTAssertThrowsError(try Checkpoint.load(path: "/nonexistent/model.safetensors")) { error in
            XCTAssertEqual((error as? CheckpointError)?.exitCode, 66)
        }
    }

    func testForeignSafetensorsFileIsRejected() throws {
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/other.safetensors"
        try SafeTensorsFile.write([TensorRecord(name: "x", shape: [2], floats: [1, 2])], metadata: [:], to: path)
        XCTAssertThrowsError(try Checkpoint.load(path: path)) { error in
            XCTAssertTrue("\(error)".contains("format"), "\(error)")
        }
    }

    func testShapeDisagreeingWithConfigurationIsRejectedBeforeAllocating() throws {
        // A configuration claiming 60,000 hidden units beside tiny tensors:
        // the reader must refuse on the shapes, not allocate for the claim.
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/forged.safetensors"
        let checkpoint = makeCheckpoint()
        try checkpoint.save(to: path)
        let archive = try SafeTensorsFile.read(path: path)
        var metadata = archive.metadata
        var forged = configuration
        forged.model.hiddenUnits = 60_000
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        metadata["configuration"] = String(decoding: try encoder.encode(forged), as: UTF8.self)
        let records = try archive.names.map { name in
            TensorRecord(name: name, shape: try archive.tensor(name).shape, floats: try archive.floats(name))
        }
        try SafeTensorsFile.write(records, metadata: metadata, to: path)
        XCTAssertThrowsError(try Checkpoint.load(path: path)) { error in
            XCTAssertTrue("\(error)".contains("hidden.weight"), "\(error)")
            XCTAssertEqual((error as? CheckpointError)?.exitCode, 65)
        }
    }

    func testSaveReplacesAnExistingCheckpointWhole() throws {
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/model.safetensors"
        try Data(repeating: 0xAB, count: 10_000_000).write(to: URL(fileURLWithPath: path))
        try makeCheckpoint().save(to: path)
        XCTAssertNoThrow(try Checkpoint.load(path: path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertEqual(leftovers, ["model.safetensors"], "no temporary files may remain")
    }
}

/// `Checkpoint.load(bytes:path:)`: the file reader's checks on bytes in memory.
extension CheckpointTests {
    func testLoadsTheBytesOfASavedCheckpoint() throws {
        let saved = makeCheckpoint()
        let path = try makeTemporaryFolder(for: self) + "/model.safetensors"
        try saved.save(to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let loaded = try Checkpoint.load(bytes: bytes, path: "memory")
        XCTAssertEqual(loaded.configuration, saved.configuration)
        XCTAssertEqual(loaded.epoch, 2)
        XCTAssertEqual(
            loaded.network.parameters.allValues().map(\.bitPattern),
            saved.network.parameters.allValues().map(\.bitPattern))
    }

    /// NaN or infinite weights would make every score NaN; the reader
    /// refuses them, naming the tensor and the index.
    func testNonFiniteParametersAreRejected() throws {
        let path = try makeTemporaryFolder(for: self) + "/model.safetensors"
        let saved = makeCheckpoint()
        for (index, bad) in [(5, Float.nan), (0, -Float.infinity)] {
            saved.network.parameters.pointer(saved.network.outputBias)[index] = bad
            try saved.save(to: path)
            XCTAssertThrowsError(try Checkpoint.load(path: path)) { error in
                XCTAssertEqual((error as? CheckpointError)?.exitCode, 65)
                XCTAssertEqual(
                    "\(error)", "\(path): expected finite values in tensor \"output.bias\", found \(bad) at index \(index)")
            }
            saved.network.parameters.pointer(saved.network.outputBias)[index] = 0
        }
    }

    func testErrorsNameThePathGiven() {
        XCTAssertThrowsError(try Checkpoint.load(bytes: [1, 2, 3], path: "memory")) { error in
            XCTAssertEqual((error as? CheckpointError)?.exitCode, 65)
            XCTAssertEqual(
                "\(error)", "memory: header length: expected at least 8 bytes holding the header length, found a file of 3 bytes")
        }
    }
}
