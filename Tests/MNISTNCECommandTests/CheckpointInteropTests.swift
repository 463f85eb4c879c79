import Foundation
import XCTest

/// Checkpoints written by `train` load in Python's reference `safetensors`
/// implementation, through `scripts/check_checkpoint.py`. The interpreter
/// is `$MNIST_NCE_PYTHON`, else `python3`; `scripts/test.sh` sets up one
/// with safetensors and numpy in `.build/python`.
final class CheckpointInteropTests: CommandTestCase {
    private static var python: String {
        ProcessInfo.processInfo.environment["MNIST_NCE_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
    }

    private static let script = CommandRunner.packageRoot.appendingPathComponent("scripts/check_checkpoint.py").path

    func testPythonSafetensorsLoadsATrainedCheckpoint() throws {
        try requireReferenceImplementation()
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let path = scratchPath("interop.safetensors")
        try train(data, output: path, ["--epochs", "2", "--num-sampled", "4", "--seed", "9"])

        let run = try CommandRunner.runTool(Self.python, [Self.script, path], scratch: scratch)
        XCTAssertEqual(run.reason, .exit, run.summary)
        XCTAssertEqual(run.status, 0, run.summary)
        let report = try jsonObject(run.stdout)
        let tensors = try XCTUnwrap(report["tensors"] as? [[String: Any]], run.stdout)
        var shapes: [String: [Int]] = [:]
        for tensor in tensors {
            let name = try XCTUnwrap(tensor["name"] as? String)
            XCTAssertEqual(tensor["dtype"] as? String, "F32", name)
            XCTAssertEqual(tensor["numpy_dtype"] as? String, "float32", name)
            shapes[name] = tensor["shape"] as? [Int]
        }
        XCTAssertEqual(shapes, [
            "hidden.weight": [784, 32], "hidden.bias": [32], "output.weight": [10, 32], "output.bias": [10],
        ])
        let metadata = try XCTUnwrap(report["metadata"] as? [String: String], run.stdout)
        XCTAssertEqual(metadata["format"], "mnist-nce")
        XCTAssertEqual(metadata["loss"], "nce")
        XCTAssertEqual(metadata["num_sampled"], "4")
        XCTAssertEqual(metadata["seed"], "9")
        XCTAssertEqual(metadata["epoch"], "2")
        XCTAssertEqual(metadata["hidden"], "32")
    }

    func testPythonSafetensorsLoadsACheckpointWithTrainingState() throws {
        try requireReferenceImplementation()
        let data = try makeDataSet(trainCount: 600, testCount: 20)
        let path = scratchPath("stopped.safetensors")
        let child = try BackgroundCommand(
            ["train"] + quickTrainingOptions(data) + ["--epochs", "200", "--output", path, "--checkpoint-every", "3"],
            in: scratch)
        XCTAssertTrue(child.wait { fileSize(path) > 0 })
        child.send(SIGINT)
        XCTAssertEqual(child.finish().status, 130)

        let run = try CommandRunner.runTool(Self.python, [Self.script, path], scratch: scratch)
        XCTAssertEqual(run.status, 0, run.summary)
        let report = try jsonObject(run.stdout)
        let names = try XCTUnwrap(report["tensors"] as? [[String: Any]], run.stdout).compactMap { $0["name"] as? String }
        let metadata = try XCTUnwrap(report["metadata"] as? [String: String], run.stdout)
        let listed = try XCTUnwrap(metadata["training_state_tensors"]).split(separator: ",").map(String.init)
        XCTAssertEqual(Set(names), Set(listed + ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]))
        XCTAssertTrue(listed.allSatisfy { $0.hasPrefix("training_state.adam_") }, "\(listed)")
        XCTAssertNotNil(metadata["training_state"])
        // eval reads it as any checkpoint.
        assertSuccess(try mnistNCE(["eval", "--checkpoint", path, "--data-dir", data.folder]))
    }

    func testPythonSafetensorsRejectsADamagedCheckpoint() throws {
        try requireReferenceImplementation()
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let path = scratchPath("damaged.safetensors")
        try train(data, output: path, ["--epochs", "1"])
        let bytes = try contents(path)
        try Data(bytes.prefix(bytes.count - 4)).write(to: URL(fileURLWithPath: path))
        let run = try CommandRunner.runTool(Self.python, [Self.script, path], scratch: scratch)
        XCTAssertEqual(run.status, 65, "the reference loader should reject what eval rejects: \(run.summary)")
    }

    /// A CNN checkpoint holds TensorFlow's layouts, and numpy, running the
    /// tutorial network on its tensors as TensorFlow defines each layer,
    /// scores the test split exactly as `eval` does.
    func testNumpyReproducesEvalOnACNNCheckpoint() throws {
        try requireReferenceImplementation()
        let data = try makeDataSet(trainCount: 600, testCount: 200)
        let path = scratchPath("cnn.safetensors")
        try train(data, output: path, ["--model", "cnn", "--steps", "80", "--batch-size", "16", "--loss", "softmax", "--schedule", "constant"])
        let run = try CommandRunner.runTool(Self.python, [Self.script, path], scratch: scratch)
        XCTAssertEqual(run.status, 0, run.summary)
        let report = try jsonObject(run.stdout)
        let tensors = try XCTUnwrap(report["tensors"] as? [[String: Any]], run.stdout)
        var shapes: [String: [Int]] = [:]
        for tensor in tensors { shapes[try XCTUnwrap(tensor["name"] as? String)] = tensor["shape"] as? [Int] }
        XCTAssertEqual(shapes, [
            "conv1.filter": [5, 5, 1, 32], "conv1.bias": [32], "conv2.filter": [5, 5, 32, 64], "conv2.bias": [64],
            "hidden.weight": [3136, 32], "hidden.bias": [32], "output.weight": [10, 32], "output.bias": [10],
        ])
        let metadata = try XCTUnwrap(report["metadata"] as? [String: String])
        XCTAssertEqual(metadata["model"], "cnn")
        XCTAssertEqual(metadata["image_height"], "28")
        XCTAssertEqual(metadata["dense_inputs"], "3136")

        let eval = try mnistNCE(["eval", "--checkpoint", path, "--json"])
        assertSuccess(eval)
        let evaluation = try jsonObject(eval.stdout)
        XCTAssertEqual(evaluation["model"] as? String, "cnn")
        let numpy = try numpyEvaluation(path, data: data.folder)
        XCTAssertEqual(evaluation["correct"] as? Int, numpy["correct"] as? Int, "eval \(evaluation) vs numpy \(numpy)")
        XCTAssertGreaterThan(try XCTUnwrap(evaluation["accuracy"] as? Double), 0.3, "the run should have learned something")
    }

    /// A checkpoint written before format 2 (the committed fixture, an
    /// MLP made by an earlier build) still loads and evaluates, and numpy,
    /// reading its tensors through safetensors, scores it the same.
    func testCheckpointOfTheFirstFormatEvaluatesAsNumpyDoes() throws {
        try requireReferenceImplementation()
        let fixture = CommandRunner.packageRoot
            .appendingPathComponent("Tests/MNISTNCECommandTests/Fixtures/softmax-h64.safetensors").path
        let eval = try mnistNCE(["eval", "--checkpoint", fixture, "--data-dir", CommandRunner.bundledData, "--json"])
        assertSuccess(eval)
        let report = try jsonObject(eval.stdout)
        XCTAssertEqual(report["model"] as? String, "mlp")
        let numpy = try numpyEvaluation(fixture, data: CommandRunner.bundledData)
        XCTAssertEqual(report["correct"] as? Int, numpy["correct"] as? Int, "eval \(report) vs numpy \(numpy)")
        XCTAssertEqual(report["count"] as? Int, 10_000)
    }

    /// `scripts/numpy_eval.py` on a checkpoint and data folder.
    func numpyEvaluation(_ checkpoint: String, data: String) throws -> [String: Any] {
        let script = CommandRunner.packageRoot.appendingPathComponent("scripts/numpy_eval.py").path
        let run = try CommandRunner.runTool(Self.python, [script, checkpoint, data], scratch: scratch, timeout: 300)
        XCTAssertEqual(run.status, 0, run.summary)
        return try jsonObject(run.stdout)
    }

    /// Fails the test, saying how to fix it, unless the interpreter can
    /// import safetensors and numpy.
    private func requireReferenceImplementation() throws {
        let advice = "scripts/test.sh installs them into .build/python and sets MNIST_NCE_PYTHON to "
            + ".build/python/bin/python; or run `pip install safetensors numpy` for \(Self.python)"
        let probe: CommandResult
        do {
            probe = try CommandRunner.runTool(Self.python, ["-c", "import safetensors, numpy"], scratch: scratch)
        } catch {
            XCTFail("cannot run \(Self.python): \(error); \(advice)")
            throw error
        }
        guard probe.reason == .exit, probe.status == 0 else {
            let reason = probe.stderrLines.last.map(String.init) ?? "exit status \(probe.status)"
            let message = "\(Self.python) cannot import safetensors and numpy (\(reason)); \(advice)"
            XCTFail(message)
            throw CommandRunnerError(description: message)
        }
    }
}
