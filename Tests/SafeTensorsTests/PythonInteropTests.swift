import Foundation
import XCTest
@testable import SafeTensors

/// Checks files against the reference implementation, Python's
/// `safetensors` package, run as a child process. The interpreter is
/// `$MNIST_NCE_PYTHON` if set, else `python3` on the `PATH`; it must be able
/// to import `safetensors` and `numpy`.
final class PythonInteropTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    private struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    private static var python: String {
        ProcessInfo.processInfo.environment["MNIST_NCE_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
    }

    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func runPython(_ arguments: [String]) throws -> Run {
        let process = Process()
        if Self.python.contains("/") {
            process.executableURL = URL(fileURLWithPath: Self.python)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [Self.python] + arguments
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes before waiting so a chatty child cannot block on a full pipe.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData, as: UTF8.self))
    }

    /// Fails the test, with installation advice, unless the interpreter can
    /// import safetensors and numpy.
    private func requireReferenceImplementation(file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let advice = "install them with `pip install safetensors numpy` (for example into a venv: "
            + "python3 -m venv /tmp/stenv && /tmp/stenv/bin/pip install safetensors numpy) "
            + "and set MNIST_NCE_PYTHON to that interpreter (e.g. /tmp/stenv/bin/python)"
        do {
            let run = try runPython(["-c", "import safetensors, numpy"])
            if run.status == 0 { return true }
            let reason = run.errors.split(separator: "\n").last.map(String.init) ?? "exit status \(run.status)"
            XCTFail("\(Self.python) cannot import safetensors and numpy (\(reason)); \(advice)", file: file, line: line)
        } catch {
            XCTFail("cannot run \(Self.python): \(error); \(advice)", file: file, line: line)
        }
        return false
    }

    private func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(text)")
    }

    private func hex<T: BinaryInteger>(_ values: [T]) -> [String] { values.map { String($0, radix: 16) } }

    func testPythonLoadsWhatSwiftWritesBitForBit() throws {
        guard requireReferenceImplementation() else { return }
        let path = directory.file("swift.safetensors")
        let int32s: [Int32] = [.min, -1, 0, 7, .max]
        let metadata = ["loss": "nce", "num_sampled": "5", "note": "quote\" é"]
        try SafeTensorsFile.write(
            [
                TensorRecord(name: "weights", shape: [2, awkwardFloats.count / 2], floats: awkwardFloats),
                TensorRecord(name: "labels", shape: [5], int32s: int32s),
                TensorRecord(name: "rates", shape: [awkwardDoubles.count], doubles: awkwardDoubles),
                TensorRecord(name: "scalar", shape: [], floats: [2.5]),
            ],
            metadata: metadata, to: path)

        let program = """
            import json, sys
            import numpy as np
            from safetensors import safe_open
            from safetensors.numpy import load_file
            path = sys.argv[1]
            arrays = load_file(path)
            with safe_open(path, framework="numpy") as handle:
                metadata = handle.metadata()
            report = {"metadata": metadata, "tensors": {}}
            for name, array in arrays.items():
                unsigned = {1: np.uint8, 4: np.uint32, 8: np.uint64}[array.dtype.itemsize]
                bits = np.ascontiguousarray(array).view(unsigned).reshape(-1)
                report["tensors"][name] = {
                    "dtype": str(array.dtype), "shape": list(array.shape),
                    "bits": [format(int(b), "x") for b in bits]}
            print(json.dumps(report))
            """
        let run = try runPython(["-c", program, path])
        XCTAssertEqual(run.status, 0, run.errors)
        let report = try json(run.output)
        XCTAssertEqual(report["metadata"] as? [String: String], metadata)
        let tensors = try XCTUnwrap(report["tensors"] as? [String: [String: Any]])
        XCTAssertEqual(Set(tensors.keys), ["weights", "labels", "rates", "scalar"])

        func check(_ name: String, _ dtype: String, _ shape: [Int], _ bits: [String]) {
            XCTAssertEqual(tensors[name]?["dtype"] as? String, dtype, name)
            XCTAssertEqual(tensors[name]?["shape"] as? [Int], shape, name)
            XCTAssertEqual(tensors[name]?["bits"] as? [String], bits, name)
        }
        check("weights", "float32", [2, awkwardFloats.count / 2], hex(bitPatterns(awkwardFloats)))
        check("labels", "int32", [5], hex(int32s.map { UInt32(bitPattern: $0) }))
        check("rates", "float64", [awkwardDoubles.count], hex(bitPatterns(awkwardDoubles)))
        check("scalar", "float32", [], hex(bitPatterns([Float(2.5)])))
    }

    func testSwiftReadsWhatPythonWrites() throws {
        guard requireReferenceImplementation() else { return }
        let path = directory.file("python.safetensors")
        let program = """
            import sys
            import numpy as np
            from safetensors.numpy import save_file
            save_file({
                "W": np.array([0x7FC12345, 0x80000000, 0x00000001, 0x3F800000, 0xFF800000, 0x40490FDB],
                              dtype=np.uint32).view(np.float32).reshape(2, 3),
                "b": np.array([1.5, -0.0], dtype=np.float64),
                "idx": np.array([[1, -2], [3, 2147483647]], dtype=np.int32),
                "empty": np.zeros((0, 4), dtype=np.float32),
            }, sys.argv[1], metadata={"seed": "42", "epoch": "3"})
            """
        let run = try runPython(["-c", program, path])
        XCTAssertEqual(run.status, 0, run.errors)

        let archive = try SafeTensorsFile.read(path: path)
        XCTAssertEqual(archive.metadata, ["seed": "42", "epoch": "3"])
        XCTAssertEqual(Set(archive.names), ["W", "b", "idx", "empty"])
        XCTAssertEqual(
            try archive.floats("W", shape: [2, 3]).map(\.bitPattern),
            [0x7FC1_2345, 0x8000_0000, 0x0000_0001, 0x3F80_0000, 0xFF80_0000, 0x4049_0FDB])
        XCTAssertEqual(bitPatterns(try archive.doubles("b", shape: [2])), bitPatterns([1.5, -0.0]))
        XCTAssertEqual(try archive.int32s("idx", shape: [2, 2]), [1, -2, 3, .max])
        XCTAssertEqual(try archive.floats("empty", shape: [0, 4]).count, 0)
    }

    func testEncoderMatchesTheReferenceWriterByteForByte() throws {
        guard requireReferenceImplementation() else { return }
        let path = directory.file("reference.safetensors")
        // Tensors of one dtype, named in sorted order, and a single metadata
        // key: the cases where the reference writer's ordering is fixed.
        let program = """
            import sys
            import numpy as np
            from safetensors.numpy import save_file
            save_file({
                "a": np.array([1.0, 2.0, 3.0], dtype=np.float32),
                "b": np.array([[0.5], [-0.25]], dtype=np.float32),
                "c": np.array(7.0, dtype=np.float32),
            }, sys.argv[1], metadata={"model": "784-1024-10"})
            """
        let run = try runPython(["-c", program, path])
        XCTAssertEqual(run.status, 0, run.errors)
        let reference = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let ours = try SafeTensorsFile.encode(
            [
                TensorRecord(name: "a", shape: [3], floats: [1, 2, 3]),
                TensorRecord(name: "b", shape: [2, 1], floats: [0.5, -0.25]),
                TensorRecord(name: "c", shape: [], floats: [7]),
            ],
            metadata: ["model": "784-1024-10"])
        XCTAssertEqual(ours, reference, "\n\(String(decoding: ours, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))")
    }

    func testCheckScriptReportsTensorsAndMetadata() throws {
        guard requireReferenceImplementation() else { return }
        let script = Self.packageRoot.appendingPathComponent("scripts/check_checkpoint.py").path
        let path = directory.file("checkpoint.safetensors")
        try SafeTensorsFile.write(
            [
                TensorRecord(name: "W1", shape: [4, 3], floats: [Float](repeating: 0.5, count: 12)),
                TensorRecord(name: "steps", shape: [1], int64s: [100]),
            ],
            metadata: ["epoch": "2", "accuracy": "0.97"], to: path)

        let run = try runPython([script, path])
        XCTAssertEqual(run.status, 0, run.errors)
        let report = try json(run.output)
        XCTAssertEqual(report["metadata"] as? [String: String], ["epoch": "2", "accuracy": "0.97"])
        let tensors = try XCTUnwrap(report["tensors"] as? [[String: Any]])
        XCTAssertEqual(tensors.compactMap { $0["name"] as? String }, ["W1", "steps"])
        XCTAssertEqual(tensors.compactMap { $0["dtype"] as? String }, ["F32", "I64"])
        XCTAssertEqual(tensors.compactMap { $0["numpy_dtype"] as? String }, ["float32", "int64"])
        XCTAssertEqual(tensors.compactMap { $0["shape"] as? [Int] }, [[4, 3], [1]])

        let missing = try runPython([script, directory.file("absent.safetensors")])
        XCTAssertEqual(missing.status, 66, missing.errors)
        let corrupt = directory.file("corrupt.safetensors")
        try Data([8, 0, 0, 0, 0, 0, 0, 0] + Array("[1,2,3] ".utf8)).write(to: URL(fileURLWithPath: corrupt))
        let rejected = try runPython([script, corrupt])
        XCTAssertEqual(rejected.status, 65, rejected.errors)
        XCTAssertTrue(rejected.errors.contains("rejected by safetensors"), rejected.errors)
    }
}
