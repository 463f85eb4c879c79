import Foundation
import XCTest

/// `eval` knows the data its checkpoint was trained on: it uses the
/// recorded folder, refuses other data unless told, needs only the test
/// files for the test split, and refuses an empty split.
final class EvalDataTests: CommandTestCase {
    func testUsesTheRecordedFolderWithoutDataDir() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 40)
        let output = scratchPath("model.safetensors")
        let trained = try train(data, output: output, ["--epochs", "1", "--json"])
        let accuracy = try XCTUnwrap(try jsonObject(trained.stdout)["test_accuracy"] as? Double)
        let elsewhere = scratchPath("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let result = try mnistNCE(["eval", "--checkpoint", output, "--json"], in: elsewhere)
        assertSuccess(result)
        let report = try jsonObject(result.stdout)
        XCTAssertEqual(report["count"] as? Int, 40)
        XCTAssertTrue(isClose(try XCTUnwrap(report["accuracy"] as? Double), accuracy))
    }

    /// A checkpoint trained on one data set (say Fashion-MNIST) is refused
    /// on another of the same shape unless --data-dir says so.
    func testOtherDataOfTheSameShapeIsRefusedUnlessNamed() throws {
        let fashion = try makeDataSet("fashion", trainCount: 300, testCount: 40, seed: 7)
        let output = scratchPath("fashion.safetensors")
        try train(fashion, output: output, ["--epochs", "1"])
        try FileManager.default.moveItem(atPath: fashion.folder, toPath: scratchPath("moved"))
        let mnist = try makeDataSet("data/mnist", trainCount: 300, testCount: 40, seed: 8)

        let refused = try mnistNCE(["eval", "--checkpoint", output])
        assertFailure(refused, status: 65, mentioning: ["data/mnist", "trained on", "SHA-256", "--data-dir"])

        let warned = try mnistNCE(["eval", "--checkpoint", output, "--data-dir", mnist.folder, "--json"])
        XCTAssertEqual(warned.status, 0, warned.summary)
        XCTAssertEqual(warned.stderrLines.count, 1, warned.summary)
        XCTAssertTrue(warned.stderr.contains("warning"), warned.summary)
        XCTAssertEqual(try jsonObject(warned.stdout)["count"] as? Int, 40)
    }

    func testTestSplitNeedsOnlyTheTestFiles() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 40)
        let output = scratchPath("model.safetensors")
        try train(data, output: output, ["--epochs", "1"])
        for name in [SyntheticMNIST.trainImages, SyntheticMNIST.trainLabels] {
            try FileManager.default.removeItem(atPath: data.path(name))
        }
        let result = try mnistNCE(["eval", "--checkpoint", output, "--data-dir", data.folder, "--json"])
        assertSuccess(result)
        XCTAssertEqual(result.stderr, "")
        XCTAssertEqual(try jsonObject(result.stdout)["count"] as? Int, 40)
    }

    func testEmptyValidationSplitIsAnError() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 40)
        let output = scratchPath("model.safetensors")
        let options = ["--data-dir", data.folder, "--validation-size", "0", "--hidden", "16", "--epochs", "1",
                       "--threads", "1", "--output", output]
        assertSuccess(try mnistNCE(["train"] + options))
        let result = try mnistNCE(["eval", "--checkpoint", output, "--split", "validation"])
        assertFailure(result, status: 64, mentioning: ["validation", "--validation-size"])
    }

    /// A FIFO in place of a data file is refused at once instead of
    /// blocking the open.
    func testFIFOInPlaceOfADataFileDoesNotBlock() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 40)
        let output = scratchPath("model.safetensors")
        try train(data, output: output, ["--epochs", "1"])
        try FileManager.default.removeItem(atPath: data.path(SyntheticMNIST.testLabels))
        XCTAssertEqual(mkfifo(data.path(SyntheticMNIST.testLabels), 0o644), 0)
        let result = try mnistNCE(["eval", "--checkpoint", output, "--data-dir", data.folder], timeout: 20)
        assertFailure(result, status: 66, mentioning: [SyntheticMNIST.testLabels, "regular file"])
    }
}
