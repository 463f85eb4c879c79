import Foundation
import XCTest
@testable import SafeTensors

final class SafeTensorsFileWritingTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    private func contents(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A checkpoint of the size training writes: 784-1024-10 weights.
    private func checkpoint(seed: UInt64) -> (tensors: [TensorRecord], w1: [Float]) {
        var generator = SplitMix64(seed: seed)
        let w1 = (0..<(1024 * 784)).map { _ in Float.random(in: -0.1...0.1, using: &generator) }
        let tensors = [
            TensorRecord(name: "W1", shape: [1024, 784], floats: w1),
            TensorRecord(name: "b1", shape: [1024], floats: [Float](repeating: 0.01, count: 1024)),
            TensorRecord(name: "W", shape: [10, 1024], floats: Array(w1.prefix(10 * 1024))),
            TensorRecord(name: "b", shape: [10], floats: awkwardFloats.prefix(10).map { $0 }),
        ]
        return (tensors, w1)
    }

    func testRoundTripIsBitExactForEveryTypedAccessor() throws {
        let path = directory.file("round.safetensors")
        let int64s: [Int64] = [.min, -1, 0, 1, .max]
        try SafeTensorsFile.write(
            [
                TensorRecord(name: "floats", shape: [2, awkwardFloats.count / 2], floats: awkwardFloats),
                TensorRecord(name: "doubles", shape: [awkwardDoubles.count], doubles: awkwardDoubles),
                TensorRecord(name: "int32s", shape: [4], int32s: [.min, -1, 0, .max]),
                TensorRecord(name: "int64s", shape: [5], int64s: int64s),
                TensorRecord(name: "bytes", shape: [3], uint8s: [0, 128, 255]),
                TensorRecord(name: "half", dtype: .f16, shape: [1], data: [0x00, 0x3C]),
            ],
            metadata: ["seed": "42", "accuracy": "0.9731"], to: path)
        let archive = try SafeTensorsFile.read(path: path)
        XCTAssertEqual(archive.names, ["floats", "doubles", "int32s", "int64s", "bytes", "half"])
        XCTAssertEqual(archive.metadata, ["seed": "42", "accuracy": "0.9731"])
        XCTAssertEqual(bitPatterns(try archive.floats("floats", shape: [2, awkwardFloats.count / 2])), bitPatterns(awkwardFloats))
        XCTAssertEqual(bitPatterns(try archive.doubles("doubles")), bitPatterns(awkwardDoubles))
        XCTAssertEqual(try archive.int32s("int32s"), [.min, -1, 0, .max])
        XCTAssertEqual(try archive.int64s("int64s"), int64s)
        XCTAssertEqual(try archive.uint8s("bytes"), [0, 128, 255])
        XCTAssertEqual(try archive.rawBytes("half"), [0x00, 0x3C])
        XCTAssertEqual(try archive.tensor("half").dtype, .f16)
    }

    func testCheckpointSizedFileRoundTripsAndIsDeterministic() throws {
        let (tensors, w1) = checkpoint(seed: 1)
        let first = directory.file("first.safetensors")
        let second = directory.file("second.safetensors")
        let metadata = ["model": "784-1024-10", "loss": "nce", "num_sampled": "5", "seed": "1", "epoch": "2"]
        try SafeTensorsFile.write(tensors, metadata: metadata, to: first)
        try SafeTensorsFile.write(tensors, metadata: metadata, to: second)
        let bytes = try contents(first)
        XCTAssertEqual(bytes, try contents(second))
        try SafeTensorsFile.write(tensors, metadata: metadata, to: first)
        XCTAssertEqual(bytes, try contents(first), "rewriting gives the same bytes")

        let archive = try SafeTensorsFile.read(path: first)
        XCTAssertEqual(bitPatterns(try archive.floats("W1", shape: [1024, 784])), bitPatterns(w1))
        XCTAssertEqual(archive.metadata, metadata)
        XCTAssertGreaterThan(bytes.count, 4 * (1024 * 784 + 1024 + 10 * 1024 + 10))
    }

    func testWritingOverAnExistingFileReplacesItCompletely() throws {
        let path = directory.file("model.safetensors")
        try Data(repeating: 0xAB, count: 1 << 20).write(to: URL(fileURLWithPath: path))
        let tensors = [TensorRecord(name: "b", shape: [2], floats: [1, 2])]
        try SafeTensorsFile.write(tensors, metadata: [:], to: path)
        XCTAssertEqual(try contents(path), try SafeTensorsFile.encode(tensors, metadata: [:]))
        XCTAssertEqual(try directory.contents(), ["model.safetensors"], "no temporary file is left behind")
    }

    func testMissingParentIsAnErrorUnlessCreationIsRequested() throws {
        let path = directory.file("runs/seed1/model.safetensors")
        let tensors = [TensorRecord(name: "b", shape: [1], floats: [1])]
        assertThrows(.cannotCreate, mentioning: [path, "runs/seed1", "an existing directory", "createDirectories: true"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.write(tensors, metadata: [:], to: path)
        }
        XCTAssertEqual(try directory.contents(), [])

        try SafeTensorsFile.write(tensors, metadata: [:], to: path, createDirectories: true)
        XCTAssertEqual(try SafeTensorsFile.read(path: path).names, ["b"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.file("runs/seed1")), ["model.safetensors"])
    }

    func testParentThatIsAFileFailsWithoutLeavingFiles() throws {
        let blocker = directory.file("blocker")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: blocker))
        let tensors = [TensorRecord(name: "b", shape: [1], floats: [1])]
        for create in [false, true] {
            assertThrows(.cannotCreate, mentioning: [blocker, "not a directory"]) { () throws(SafeTensorsError) in
                try SafeTensorsFile.write(tensors, metadata: [:], to: blocker + "/model.safetensors", createDirectories: create)
            }
        }
        assertThrows(.cannotCreate, mentioning: ["Not a directory"]) { () throws(SafeTensorsError) in
            try SafeTensorsFile.write(tensors, metadata: [:], to: blocker + "/sub/model.safetensors")
        }
        XCTAssertEqual(try contents(blocker), [1, 2, 3])
        XCTAssertEqual(try directory.contents(), ["blocker"])
    }

    func testDestinationThatIsADirectoryIsLeftAlone() throws {
        let path = directory.file("model.safetensors")
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        assertThrows(.cannotCreate, mentioning: [path, "a regular file or no file", "a directory"]) {
            () throws(SafeTensorsError) in
            try SafeTensorsFile.write([TensorRecord(name: "b", shape: [1], floats: [1])], metadata: [:], to: path)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path), ["inside"])
        XCTAssertEqual(try directory.contents(), ["model.safetensors"])
    }

    func testInvalidRecordsLeaveTheDestinationUntouched() throws {
        let path = directory.file("model.safetensors")
        try SafeTensorsFile.write([TensorRecord(name: "b", shape: [1], floats: [1])], metadata: [:], to: path)
        let before = try contents(path)
        assertThrows(.invalidInput, mentioning: [path, "tensor \"b\", data"]) { () throws(SafeTensorsError) in
            try SafeTensorsFile.write([TensorRecord(name: "b", shape: [5], floats: [1])], metadata: [:], to: path)
        }
        XCTAssertEqual(try contents(path), before)
        XCTAssertEqual(try directory.contents(), ["model.safetensors"])
    }

    /// Calls `body` with views of `records`' data (valid for the call).
    private func withViews<R>(
        _ records: [TensorRecord], from index: Int = 0, gathered: [TensorView] = [],
        _ body: ([TensorView]) throws -> R
    ) rethrows -> R {
        guard index < records.count else { return try body(gathered) }
        let record = records[index]
        return try record.data.withUnsafeBytes { raw in
            try withViews(
                records, from: index + 1,
                gathered: gathered + [TensorView(name: record.name, dtype: record.dtype, shape: record.shape, bytes: raw)],
                body)
        }
    }

    /// Views of the same tensors give the records' bytes: every dtype, a
    /// scalar, an empty tensor, and a checkpoint-sized one.
    func testViewsWriteTheSameBytesAsRecords() throws {
        let records = checkpoint(seed: 3).tensors + [
            TensorRecord(name: "doubles", shape: [awkwardDoubles.count], doubles: awkwardDoubles),
            TensorRecord(name: "int64s", shape: [2], int64s: [.min, .max]),
            TensorRecord(name: "scalar", shape: [], int32s: [-7]),
            TensorRecord(name: "empty", shape: [0, 3], floats: []),
            TensorRecord(name: "half", dtype: .f16, shape: [1], data: [0x00, 0x3C]),
        ]
        let metadata = ["format": "test", "quote": "a \"b\"\n"]
        let fromRecords = directory.file("records.safetensors")
        let fromViews = directory.file("views.safetensors")
        try SafeTensorsFile.write(records, metadata: metadata, to: fromRecords)
        try withViews(records) { views in try SafeTensorsFile.write(views, metadata: metadata, to: fromViews) }
        let bytes = try contents(fromViews)
        XCTAssertEqual(bytes, try contents(fromRecords))
        XCTAssertEqual(bytes, try SafeTensorsFile.encode(records, metadata: metadata))
        XCTAssertEqual(try SafeTensorsFile.read(path: fromViews).names, records.map(\.name))
    }

    /// A view whose bytes do not fit its shape, or a repeated name, is
    /// refused before anything is written; an injected failure at either
    /// stage keeps the old file and removes the temporary one.
    func testBadViewsAndFailuresLeaveTheDestinationUntouched() throws {
        let path = directory.file("model.safetensors")
        try SafeTensorsFile.write([TensorRecord(name: "b", shape: [1], floats: [1])], metadata: [:], to: path)
        let before = try contents(path)
        let values: [Float] = [1, 2, 3]
        try values.withUnsafeBytes { raw in
            let short = TensorView(name: "w", dtype: .f32, shape: [4], bytes: raw)
            assertThrows(.invalidInput, mentioning: [path, "tensor \"w\", data", "16 bytes", "12 bytes"]) {
                () throws(SafeTensorsError) in
                try SafeTensorsFile.write([short], metadata: [:], to: path)
            }
            let twice = TensorView(name: "w", dtype: .f32, shape: [3], bytes: raw)
            assertThrows(.invalidInput, mentioning: [path, "unique name"]) { () throws(SafeTensorsError) in
                try SafeTensorsFile.write([twice, twice], metadata: [:], to: path)
            }
            for stage in [AtomicFileReplacement.Stage.afterWrite, .beforeRename] {
                assertThrows(.io, mentioning: [path, "temporary file", "injected"]) { () throws(SafeTensorsError) in
                    try SafeTensorsFile.write([twice], metadata: [:], to: path, createDirectories: false, failingAt: stage)
                }
            }
        }
        XCTAssertEqual(try contents(path), before)
        XCTAssertEqual(try directory.contents(), ["model.safetensors"])
    }
}
