import Foundation
import XCTest

/// `train` never destroys a file: the metrics file, default checkpoint
/// names and explicit outputs; and every output is checked before any
/// data is read.
final class OutputSafetyTests: CommandTestCase {
    func testMetricsRefusesAFileItDidNotWrite() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let notes = scratchPath("notes.md")
        let text = "# my notes\nnot metrics\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: notes))
        for extra in [[], ["--overwrite"]] {
            let result = try mnistNCE(
                ["train"] + quickTrainingOptions(data) + ["--output", scratchPath("m.safetensors"), "--metrics", notes] + extra)
            assertFailure(result, status: 73, mentioning: [notes, "not a mnist-nce metrics file"])
            XCTAssertEqual(try String(contentsOfFile: notes, encoding: .utf8), text, "the file was changed")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratchPath("m.safetensors")), "a refused run wrote a checkpoint")
    }

    func testMetricsFileIsReplacedOnlyWithOverwrite() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let metrics = scratchPath("run.jsonl")
        try train(data, output: scratchPath("a.safetensors"), ["--epochs", "2", "--metrics", metrics])
        let first = try contents(metrics)
        let lines = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        for line in lines {
            XCTAssertEqual(try jsonObject(String(line))["format"] as? String, "mnist-nce-metrics")
        }

        let refused = try mnistNCE(
            ["train"] + quickTrainingOptions(data) + ["--output", scratchPath("b.safetensors"), "--metrics", metrics])
        assertFailure(refused, status: 73, mentioning: [metrics, "--overwrite"])
        XCTAssertEqual(try contents(metrics), first)

        try train(data, output: scratchPath("b.safetensors"), ["--epochs", "1", "--metrics", metrics, "--overwrite"])
        let replaced = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(replaced.count, 1, "--overwrite should start the file afresh")
    }

    func testExistingCheckpointIsReplacedOnlyWithOverwrite() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let path = scratchPath("model.safetensors")
        try train(data, output: path, ["--epochs", "1", "--seed", "5"])
        let before = try contents(path)
        let refused = try mnistNCE(["train"] + quickTrainingOptions(data) + ["--output", path, "--seed", "6"])
        assertFailure(refused, status: 73, mentioning: [path, "--overwrite"])
        XCTAssertEqual(try contents(path), before)
    }

    /// Names already taken (here for every second the run might start in)
    /// are left alone and the run takes a suffixed name.
    func testDefaultNamesNeverReplaceAnExistingFile() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let runs = scratchPath("runs")
        try FileManager.default.createDirectory(atPath: runs, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let now = Date()
        var taken: [String] = []
        for offset in 0..<30 {
            let name = "\(formatter.string(from: now.addingTimeInterval(Double(offset))))-nce-s1.safetensors"
            try Data("someone else's file".utf8).write(to: URL(fileURLWithPath: runs + "/" + name))
            taken.append(name)
        }
        let result = try mnistNCE(["train"] + quickTrainingOptions(data) + ["--epochs", "1", "--json"])
        assertSuccess(result)
        let checkpoint = try XCTUnwrap(try jsonObject(result.stdout)["checkpoint"] as? String)
        XCTAssertTrue(checkpoint.hasSuffix("-nce-s1-2.safetensors"), checkpoint)
        for name in taken {
            XCTAssertEqual(try String(contentsOfFile: runs + "/" + name, encoding: .utf8), "someone else's file")
        }
    }

    /// Two runs started together with different options both keep their
    /// checkpoints.
    func testRunsStartedTogetherGetDistinctCheckpoints() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        // Started back to back (not through the runner, which waits for
        // each child), so both pick their name in the same second.
        let processes = try (1...2).map { seed -> (Process, String) in
            let process = Process()
            process.executableURL = CommandRunner.executable
            process.arguments = ["train"] + quickTrainingOptions(data) + ["--epochs", "1", "--json", "--seed", "\(seed)"]
            process.currentDirectoryURL = URL(fileURLWithPath: scratch)
            let out = scratchPath("run\(seed).json")
            FileManager.default.createFile(atPath: out, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            process.standardError = FileHandle.nullDevice
            return (process, out)
        }
        for (process, _) in processes { try process.run() }
        var paths: [String] = []
        for (process, out) in processes {
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            let summary = try jsonObject(try String(contentsOfFile: out, encoding: .utf8))
            paths.append(try XCTUnwrap(summary["checkpoint"] as? String))
        }
        XCTAssertNotEqual(paths[0], paths[1])
        XCTAssertNotEqual(try contents(scratchPath(paths[0])), try contents(scratchPath(paths[1])))
    }

    /// Unwritable outputs fail with 73 before the data is read: the data
    /// folder here does not exist, which would otherwise give 66.
    func testUnwritableOutputsFailBeforeTheDataIsRead() throws {
        let missingData = scratchPath("no-such-data")
        let cases: [[String]] = [
            ["--output", "/proc/x.safetensors"],
            ["--output", scratchPath("ok.safetensors"), "--metrics", "/proc/x.jsonl"],
            ["--output", "/proc/nce/deeper/x.safetensors"],
        ]
        for extra in cases {
            let result = try mnistNCE(["train", "--data-dir", missingData] + extra, timeout: 10)
            assertFailure(result, status: 73, mentioning: ["/proc/", "expected", "found"])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratchPath("ok.safetensors")))
    }

    func testFailedRunLeavesNoReservedNameOrEmptyMetrics() throws {
        let metrics = scratchPath("m.jsonl")
        let result = try mnistNCE(["train", "--data-dir", scratchPath("missing"), "--metrics", metrics])
        assertFailure(result, status: 66, mentioning: ["missing"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: metrics), "an unused metrics file was left")
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: scratchPath("runs"))) ?? []
        XCTAssertEqual(runs, [], "a reserved checkpoint name was left")
    }
}
