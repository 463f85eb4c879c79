import Foundation
import XCTest

/// The live progress line: on stderr when it is a terminal, never on
/// stdout, and absent when stderr is not a terminal.
final class ProgressTests: CommandTestCase {
    func testJSONRunOnATerminalKeepsStdoutMachineReadable() throws {
        let data = try makeDataSet(trainCount: 3_000, testCount: 20)
        let output = scratchPath("live.safetensors")
        let summary = scratchPath("summary.json")
        let typescript = scratchPath("terminal.txt")
        let command = ([CommandRunner.executable.path, "train"] + quickTrainingOptions(data)
            + ["--epochs", "2", "--batch-size", "8", "--output", output, "--json"])
            .map { "'\($0)'" }.joined(separator: " ") + " > '\(summary)'"
        // `script` gives the command a terminal; stdout goes to a file.
        let result = try CommandRunner.runTool(
            "script", ["-qec", command, typescript], environment: ["COLUMNS": "60"], scratch: scratch, timeout: 120)
        XCTAssertEqual(result.status, 0, result.summary)
        let json = try String(contentsOfFile: summary, encoding: .utf8)
        XCTAssertEqual(json.split(separator: "\n").count, 1, json)
        XCTAssertNotNil(try jsonObject(json)["test_accuracy"] as? Double)
        XCTAssertFalse(json.contains("\u{1B}["), "escape codes on stdout")
        let screen = try String(contentsOfFile: typescript, encoding: .utf8)
        for text in ["checkpoint: \(output)", "ETA", "elapsed", "img/s", "epoch 2/2"] {
            XCTAssertTrue(screen.contains(text), "the terminal did not show \(text): \(screen)")
        }
    }

    func testNoProgressWhenStderrIsNotATerminal() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 20)
        let result = try mnistNCE(
            ["train"] + quickTrainingOptions(data) + ["--output", scratchPath("quiet.safetensors"), "--json"])
        assertSuccess(result)
        XCTAssertEqual(result.stderr, "")
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 1)
    }

    func testTextRunNamesTheCheckpointBeforeTraining() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 20)
        let output = scratchPath("named.safetensors")
        let result = try train(data, output: output, ["--epochs", "1"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasSuffix("checkpoint: \(output)") ?? false, result.stdout)
    }
}
