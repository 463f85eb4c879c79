import Foundation
import SafeTensors
import XCTest

/// Ctrl-C, SIGTERM, kill -9 and a full disk in the middle of `train`, and
/// `train --resume` afterwards: a stopped run continues to the bytes of the
/// run that never stopped, and no file is ever left torn.
final class InterruptionTests: CommandTestCase {
    /// 500 training images in batches of 32 (16 steps per epoch), 40
    /// epochs of a 256-unit layer: a run of about a second in a debug
    /// build, long enough to be stopped in the middle.
    func runOptions(_ data: SyntheticMNIST) -> [String] {
        [
            "--data-dir", data.folder, "--validation-size", "100", "--hidden", "256", "--epochs", "40",
            "--batch-size", "32", "--threads", "1", "--dropout", "0.2",
        ]
    }

    /// The final checkpoint of the run that never stopped.
    func uninterruptedRun(_ data: SyntheticMNIST) throws -> [UInt8] {
        let path = scratchPath("whole.safetensors")
        let result = try mnistNCE(["train"] + runOptions(data) + ["--output", path])
        assertSuccess(result)
        return try contents(path)
    }

    /// Starts the run writing to `path` and sends `signal` once its first
    /// checkpoint exists.
    func stoppedRun(
        _ data: SyntheticMNIST, path: String, signal: Int32, extra: [String] = ["--checkpoint-every", "5"]
    ) throws -> CommandResult {
        let child = try BackgroundCommand(["train"] + runOptions(data) + ["--output", path] + extra, in: scratch)
        XCTAssertTrue(child.wait { fileSize(path) > 0 }, "no checkpoint appeared")
        child.send(signal)
        return child.finish()
    }

    /// Asserts a run that had started training ended with `status` and one
    /// stderr line mentioning each of `mentions` (stdout holds its start).
    func assertStopped(
        _ result: CommandResult, status: Int32, mentioning mentions: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(result.reason, .exit, result.summary, file: file, line: line)
        XCTAssertEqual(result.status, status, result.summary, file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, result.summary, file: file, line: line)
        let message = String(result.stderrLines.first ?? "")
        XCTAssertTrue(message.hasPrefix("mnist-nce: "), result.summary, file: file, line: line)
        for text in mentions {
            XCTAssertTrue(message.contains(text), "no \(text.debugDescription): \(result.summary)", file: file, line: line)
        }
    }

    func testCtrlCWritesTheCheckpointAndResumeEndsInTheSameBytes() throws {
        let data = try makeDataSet(trainCount: 600, testCount: 100)
        let whole = try uninterruptedRun(data)
        let path = scratchPath("runs/stopped.safetensors")
        let metrics = scratchPath("runs/stopped.jsonl")
        let stopped = try stoppedRun(
            data, path: path, signal: SIGINT, extra: ["--checkpoint-every", "5", "--metrics", metrics])
        assertStopped(stopped, status: 130, mentioning: [
            "interrupted at ", " steps)", "; resume with: mnist-nce train --resume \(path) --metrics \(metrics)",
        ])
        XCTAssertEqual(temporaryFiles(in: scratchPath("runs")), [], "an interrupted run leaves no temporary file")
        let archive = try SafeTensorsFile.read(path: path)
        XCTAssertNotNil(archive.metadata["training_state"])
        let epochsDone = try XCTUnwrap(Int(archive.metadata["epoch"] ?? ""))
        // An empty metrics file is removed; the lines never lag the checkpoint.
        let lines = ((try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "").split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, epochsDone)

        let listed = try mnistNCE(["runs", scratchPath("runs"), "--json"])
        XCTAssertEqual(try jsonObject(listed.stdout)["resumable"] as? Bool, true, listed.summary)

        let resumed = try mnistNCE(["train", "--resume", path, "--metrics", metrics])
        assertSuccess(resumed)
        XCTAssertTrue(resumed.stdout.contains("resumed after"), resumed.summary)
        XCTAssertEqual(try contents(path), whole, "the resumed run must end in the uninterrupted run's bytes")
        let epochs = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(jsonObject(String($0))["epoch"] as? Int)
        }
        XCTAssertEqual(epochs, Array(1...40), "one metrics line per epoch, none repeated")

        let again = try mnistNCE(["train", "--resume", path])
        assertSuccess(again)
        XCTAssertTrue(again.stdout.contains("this run has finished (40 epochs"), again.summary)
        XCTAssertEqual(try contents(path), whole, "resuming a finished run changes nothing")
    }

    func testSIGTERMStopsWith143AndOtherThreadsResumeToTheSameParameters() throws {
        let data = try makeDataSet(trainCount: 600, testCount: 100)
        _ = try uninterruptedRun(data)
        let path = scratchPath("stopped.safetensors")
        let stopped = try stoppedRun(data, path: path, signal: SIGTERM)
        assertStopped(stopped, status: 143, mentioning: ["interrupted at ", "resume with: mnist-nce train --resume"])
        assertSuccess(try mnistNCE(["train", "--resume", path, "--threads", "2"]))
        let a = try SafeTensorsFile.read(path: scratchPath("whole.safetensors"))
        let b = try SafeTensorsFile.read(path: path)
        for name in a.names { XCTAssertEqual(try a.rawBytes(name), try b.rawBytes(name), name) }
    }

    func testASecondCtrlCEndsAtOnceAndLeavesAWholeCheckpoint() throws {
        let data = try makeDataSet(trainCount: 600, testCount: 100)
        let path = scratchPath("stopped.safetensors")
        // A checkpoint every step, so the second signal often lands in a write.
        let child = try BackgroundCommand(
            ["train"] + runOptions(data) + ["--output", path, "--checkpoint-every", "1"], in: scratch)
        XCTAssertTrue(child.wait { fileSize(path) > 0 })
        child.send(SIGINT)
        child.send(SIGINT)
        let result = child.finish()
        XCTAssertEqual(result.reason, .exit, result.summary)
        XCTAssertEqual(result.status, 130, result.summary)
        XCTAssertTrue(
            result.stderr.contains("interrupted again") || result.stderr.contains("interrupted at"), result.summary)
        XCTAssertNoThrow(try SafeTensorsFile.read(path: path), "the checkpoint on disk must be whole")
        XCTAssertEqual(temporaryFiles(in: scratch), [])
    }

    /// A few kill -9 trials at random moments, many of them mid-write;
    /// `scripts/kill-loop.sh` runs many more.
    func testKillNineNeverLeavesATornCheckpoint() throws {
        let data = try makeDataSet(trainCount: 600, testCount: 100)
        let whole = try uninterruptedRun(data)
        var generator = SplitMix64(seed: 7)
        for trial in 0..<3 {
            let path = scratchPath("killed-\(trial).safetensors")
            let child = try BackgroundCommand(
                ["train"] + runOptions(data) + ["--output", path, "--checkpoint-every", "1"], in: scratch)
            XCTAssertTrue(child.wait { fileSize(path) > 0 })
            usleep(UInt32(generator.next() % 400_000))
            child.send(SIGKILL)
            let result = child.finish()
            XCTAssertEqual(result.reason, .uncaughtSignal, result.summary)
            let archive = try SafeTensorsFile.read(path: path)
            XCTAssertNotNil(archive.metadata["training_state"], "trial \(trial)")
            // The next run removes what the killed write left, and goes on.
            assertSuccess(try mnistNCE(["train", "--resume", path]))
            XCTAssertEqual(try contents(path), whole, "trial \(trial)")
            XCTAssertFalse(temporaryFiles(in: scratch).contains { $0.hasPrefix(".killed-\(trial).") })
        }
    }

    func testStaleTemporaryFilesGoButALiveWritersFileStays() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 50)
        let path = scratchPath("model.safetensors")
        let dead = scratchPath(".model.safetensors.tmp-\(try deadProcessID())-Ab12Cd")
        // This test process is alive: its file must stay.
        let live = scratchPath(".model.safetensors.tmp-\(getpid())-Ef34Gh")
        let otherName = scratchPath(".other.safetensors.tmp-\(try deadProcessID())-Ij56Kl")
        for file in [dead, live, otherName] { FileManager.default.createFile(atPath: file, contents: Data([1])) }
        try train(data, output: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead), "a killed writer's file is removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a live writer's file is kept")
        XCTAssertTrue(FileManager.default.fileExists(atPath: otherName), "another path's file is not touched")
    }

    func testAFileSizeLimitFailsCleanlyAndKeepsTheOldCheckpoint() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 50)
        let path = scratchPath("model.safetensors")
        try train(data, output: path, ["--hidden", "128"])
        let before = try contents(path)
        // 64 blocks (32 or 64 KiB, by the shell): less than one checkpoint.
        let result = try CommandRunner.runTool(
            "/bin/sh",
            ["-c", "ulimit -f 64 && exec \"$0\" \"$@\"", CommandRunner.executable.path, "train"]
                + quickTrainingOptions(data) + ["--hidden", "128", "--seed", "5", "--output", path, "--overwrite"],
            in: scratch, scratch: scratch)
        assertStopped(result, status: 74, mentioning: [path, "File too large"])
        XCTAssertEqual(try contents(path), before, "the old checkpoint must be intact")
        XCTAssertEqual(temporaryFiles(in: scratch), [])
    }

    /// A real full disk: a 1 MiB tmpfs, which needs the right to mount
    /// (root outside a restricted container). Where mounting is refused,
    /// the same checks run against a file-size limit instead.
    func testAFullDiskFailsCleanlyAndKeepsTheOldCheckpoint() throws {
        let mountPoint = scratchPath("small-disk")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = try CommandRunner.runTool(
            "mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint], scratch: scratch)
        let mounted = mount.reason == .exit && mount.status == 0
        if mounted {
            addTeardownBlock { _ = try? CommandRunner.runTool("umount", [mountPoint], scratch: self.scratch) }
        } else {
            print("no tmpfs here (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines))); a file-size limit instead")
        }
        let data = try makeDataSet(trainCount: 300, testCount: 50)
        let path = mountPoint + "/model.safetensors"
        try train(data, output: path)
        let before = try contents(path)
        let options = ["train"] + quickTrainingOptions(data) + ["--seed", "5", "--output", path, "--overwrite"]
        let result: CommandResult
        if mounted {
            // Leave less room than a checkpoint with its training state needs.
            let filler = [UInt8](repeating: 7, count: 1_048_576 - 2 * before.count)
            _ = FileManager.default.createFile(atPath: mountPoint + "/filler", contents: Data(filler))
            result = try mnistNCE(options)
        } else {
            result = try CommandRunner.runTool(
                "/bin/sh", ["-c", "ulimit -f 64 && exec \"$0\" \"$@\"", CommandRunner.executable.path] + options,
                in: scratch, scratch: scratch)
        }
        assertStopped(result, status: 74, mentioning: [path, mounted ? "No space left on device" : "File too large"])
        XCTAssertEqual(try contents(path), before, "the old checkpoint must be intact")
        XCTAssertEqual(temporaryFiles(in: mountPoint), [])
    }

    func testOptionsThatWouldChangeTheRunAreRefusedWithResume() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 50)
        let path = scratchPath("stopped.safetensors")
        _ = try stoppedRun(data, path: path, signal: SIGINT)
        let before = try contents(path)
        for (option, words) in [
            ("--seed", ["--seed", "3"]), ("--hidden", ["--hidden", "8"]), ("--loss", ["--loss", "softmax"]),
            ("--epochs", ["--epochs", "2"]), ("--no-unique", ["--no-unique"]), ("--learning-rate", ["--learning-rate", "0.1"]),
            ("--validation-size", ["--validation-size", "10"]), ("--model", ["--model", "cnn"]),
            ("--dropout", ["--dropout", "0"]), ("--num-sampled", ["--num-sampled", "2"]),
        ] {
            let result = try mnistNCE(["train", "--resume", path] + words)
            assertFailure(result, status: 64, mentioning: [option, "--resume"])
        }
        XCTAssertEqual(try contents(path), before)
        let other = try makeDataSet("other", trainCount: 300, testCount: 50, seed: 9)
        assertFailure(
            try mnistNCE(["train", "--resume", path, "--data-dir", other.folder]), status: 65,
            mentioning: ["expected the data the run was trained on"])
        XCTAssertEqual(try contents(path), before)
    }

    func testResumeNeedsACheckpointWrittenDuringARun() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 50)
        let path = scratchPath("model.safetensors")
        try train(data, output: path)
        let finished = try mnistNCE(["train", "--resume", path])
        assertSuccess(finished)
        XCTAssertTrue(finished.stdout.contains("this run has finished"), finished.summary)
        // The same file without its test accuracy: an unfinished run with no
        // training state, as earlier versions wrote.
        let archive = try SafeTensorsFile.read(path: path)
        var metadata = archive.metadata
        metadata["test_accuracy"] = nil
        let records = try archive.tensors.map {
            TensorRecord(name: $0.name, dtype: $0.dtype, shape: $0.shape, data: try archive.rawBytes($0.name))
        }
        try SafeTensorsFile.write(records, metadata: metadata, to: path)
        assertFailure(
            try mnistNCE(["train", "--resume", path]), status: 65,
            mentioning: [path, "expected a checkpoint written during a run"])
        assertFailure(
            try mnistNCE(["train", "--resume", scratchPath("missing.safetensors")]), status: 66, mentioning: ["missing"])
    }

    func testAnInterruptedSweepContinuesItsRunWhenRunAgain() throws {
        let data = try makeDataSet(trainCount: 600, testCount: 100)
        // The sweep records other metadata; its parameters must match.
        _ = try uninterruptedRun(data)
        let folder = scratchPath("sweep")
        let arguments = ["sweep", "--num-sampled", "1", "--seeds", "1", "--output-dir", folder] + runOptions(data)
        let checkpoint = folder + "/runs/nce-s1-seed1.safetensors"
        let child = try BackgroundCommand(arguments, in: scratch)
        XCTAssertTrue(child.wait { fileSize(checkpoint) > 0 })
        child.send(SIGINT)
        let stopped = child.finish()
        assertStopped(stopped, status: 130, mentioning: ["interrupted in run 1/1", "run the same sweep command again"])
        XCTAssertNotNil(try SafeTensorsFile.read(path: checkpoint).metadata["training_state"])

        let again = try mnistNCE(arguments, timeout: 120)
        assertSuccess(again)
        XCTAssertTrue(again.stdout.contains("continued where the last attempt stopped"), again.summary)
        let a = try SafeTensorsFile.read(path: scratchPath("whole.safetensors"))
        let b = try SafeTensorsFile.read(path: checkpoint)
        for name in a.names { XCTAssertEqual(try a.rawBytes(name), try b.rawBytes(name), name) }
        let epochs = try String(contentsOfFile: folder + "/runs/nce-s1-seed1.jsonl", encoding: .utf8)
            .split(separator: "\n").map { try XCTUnwrap(jsonObject(String($0))["epoch"] as? Int) }
        XCTAssertEqual(epochs, Array(1...40))
    }
}
