import Foundation
import XCTest

/// Where checkpoints go and which one `eval` picks: the newest in `runs/`
/// of the working directory, and `train --output` never overwriting a file
/// that is not a checkpoint.
final class CheckpointPathsTests: CommandTestCase {
    func testEvalWithoutCheckpointPicksTheNewestInRuns() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let project = scratchPath("project")
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        // Relative --output paths resolve against the working directory,
        // and train creates runs/ itself.
        try train(data, output: "runs/a.safetensors", ["--loss", "softmax", "--epochs", "1"], in: project)
        try train(data, output: "runs/b.safetensors", ["--loss", "nce", "--epochs", "1"], in: project)
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: project + "/runs/notes.txt"))

        let now = Date()
        try setModificationDate(now, of: project + "/runs/a.safetensors")
        try setModificationDate(now.addingTimeInterval(-60), of: project + "/runs/b.safetensors")
        var report = try evalNewest(data, in: project)
        XCTAssertEqual(report["checkpoint"] as? String, "runs/a.safetensors")
        XCTAssertEqual(report["loss"] as? String, "softmax")

        try setModificationDate(now.addingTimeInterval(-120), of: project + "/runs/a.safetensors")
        report = try evalNewest(data, in: project)
        XCTAssertEqual(report["checkpoint"] as? String, "runs/b.safetensors")
        XCTAssertEqual(report["loss"] as? String, "nce")
    }

    func testEvalWithoutRunsFolderExits66() throws {
        let data = try makeDataSet(trainCount: 40, testCount: 10)
        let result = try mnistNCE(["eval", "--data-dir", data.folder])
        assertFailure(result, status: 66, mentioning: ["runs/", "--checkpoint"])
    }

    func testEvalWithEmptyRunsFolderExits66() throws {
        let data = try makeDataSet(trainCount: 40, testCount: 10)
        try FileManager.default.createDirectory(atPath: scratchPath("runs"), withIntermediateDirectories: true)
        let result = try mnistNCE(["eval", "--data-dir", data.folder])
        assertFailure(result, status: 66, mentioning: ["runs/", "--checkpoint"])
    }

    func testTrainWithoutOutputWritesUnderRuns() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let result = try mnistNCE(["train"] + quickTrainingOptions(data) + ["--epochs", "1", "--num-sampled", "2", "--json"])
        assertSuccess(result)
        let path = try XCTUnwrap(try jsonObject(result.stdout)["checkpoint"] as? String)
        XCTAssertTrue(path.hasPrefix("runs/") && path.hasSuffix("-nce-s2.safetensors"), path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratchPath(path)), "no file at \(path)")
    }

    func testTrainRefusesToOverwriteAFileThatIsNotACheckpoint() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let path = scratchPath("notes.txt")
        let original = Array("precious notes\n".utf8)
        try Data(original).write(to: URL(fileURLWithPath: path))
        let result = try mnistNCE(["train"] + quickTrainingOptions(data) + ["--output", path])
        assertFailure(result, status: 73, mentioning: [path, "--output"])
        XCTAssertEqual(try contents(path), original, "the refused file was changed")
    }

    func testTrainRefusesAFolderAsOutput() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let path = scratchPath("folder.safetensors")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let result = try mnistNCE(["train"] + quickTrainingOptions(data) + ["--output", path])
        assertFailure(result, status: 73, mentioning: [path, "expected", "found"])
    }

    func testTrainReplacesAnExistingCheckpoint() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let path = scratchPath("replaced.safetensors")
        let reference = scratchPath("reference.safetensors")
        try train(data, output: path, ["--epochs", "1", "--seed", "5"])
        let before = try contents(path)
        try train(data, output: path, ["--epochs", "1", "--seed", "6", "--overwrite"])
        try train(data, output: reference, ["--epochs", "1", "--seed", "6"])
        let after = try contents(path)
        XCTAssertNotEqual(after, before, "the checkpoint was not replaced")
        XCTAssertEqual(after, try contents(reference), "the replaced checkpoint differs from a fresh run")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch)
            .filter { $0.contains("replaced") && $0 != "replaced.safetensors" }
        XCTAssertEqual(leftovers, [], "temporary files left beside the checkpoint")
    }

    func testOutputInAFolderThatCannotBeCreatedExits73() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let blocker = scratchPath("blocker")
        try Data("file".utf8).write(to: URL(fileURLWithPath: blocker))
        let path = blocker + "/model.safetensors"
        let result = try mnistNCE(["train"] + quickTrainingOptions(data) + ["--output", path])
        assertFailure(result, status: 73, mentioning: [blocker])
    }

    private func setModificationDate(_ date: Date, of path: String) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    private func evalNewest(_ data: SyntheticMNIST, in directory: String) throws -> [String: Any] {
        let result = try mnistNCE(["eval", "--data-dir", data.folder, "--json"], in: directory)
        assertSuccess(result)
        return try jsonObject(result.stdout)
    }
}
