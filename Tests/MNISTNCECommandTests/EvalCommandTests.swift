import Foundation
import XCTest

/// `mnist-nce eval`: its reports, and how it treats bad, missing and
/// damaged checkpoints.
final class EvalCommandTests: CommandTestCase {
    func testBadSplitIsAUsageError() throws {
        assertFailure(try mnistNCE(["eval", "--split", "bogus"]), status: 64, mentioning: ["--split", "bogus"])
    }

    func testNegativeValidationSizeIsAUsageError() throws {
        assertFailure(
            try mnistNCE(["eval", "--validation-size", "-3"]), status: 64, mentioning: ["--validation-size", "-3"])
    }

    func testHelpListsTheOptions() throws {
        let result = try mnistNCE(["eval", "--help"])
        assertSuccess(result)
        XCTAssertEqual(result.stderr, "")
        let help = result.stdout.collapsingWhitespace
        for text in ["--checkpoint", "--split", "test", "validation", "--data-dir", "--json", "newest in runs/"] {
            XCTAssertTrue(help.contains(text), "eval --help does not mention \(text): \(result.stdout)")
        }
    }

    func testTextReportShowsAccuracyPerClassAndConfusionMatrix() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 50)
        let checkpoint = scratchPath("model.safetensors")
        try train(data, output: checkpoint, ["--loss", "softmax"])
        let json = try mnistNCE(["eval", "--checkpoint", checkpoint, "--data-dir", data.folder, "--json"])
        assertSuccess(json)
        let report = try jsonObject(json.stdout)
        let accuracy = try XCTUnwrap(report["accuracy"] as? Double)
        let correct = try XCTUnwrap(report["correct"] as? Int)
        let nll = try XCTUnwrap(report["nll"] as? Double, "\(report)")
        let ece = try XCTUnwrap(report["ece"] as? Double, "\(report)")
        let logZ = try XCTUnwrap(report["log_partition_mean"] as? Double, "\(report)")
        let logZSD = try XCTUnwrap(report["log_partition_sd"] as? Double, "\(report)")
        XCTAssertTrue(nll.isFinite && nll > 0, "nll \(nll)")
        XCTAssertTrue((0...1).contains(ece), "ece \(ece)")
        XCTAssertTrue(logZ.isFinite && logZSD >= 0, "log Z \(logZ) ± \(logZSD)")

        let text = try mnistNCE(["eval", "--checkpoint", checkpoint, "--data-dir", data.folder])
        assertSuccess(text)
        XCTAssertEqual(text.stderr, "")
        let percentage = String(format: "test accuracy %.2f%% (%d / %d)", accuracy * 100, correct, data.testCount)
        XCTAssertTrue(text.stdout.contains(percentage), "no \(percentage.debugDescription) in \(text.stdout)")
        XCTAssertTrue(text.stdout.contains("checkpoint \(checkpoint) (mlp, softmax, epoch 3)"), text.stdout)
        for line in [
            String(format: "nll %.4f (mean negative log-likelihood, nats)  ece %.4f (15 bins)", nll, ece),
            String(format: "log Z = log Σ exp(logit): mean %.4f, sd %.4f", logZ, logZSD),
        ] {
            XCTAssertTrue(text.stdout.contains(line), "no \(line.debugDescription) in \(text.stdout)")
        }
        XCTAssertTrue(text.stdout.contains("per class:"), text.stdout)
        XCTAssertTrue(text.stdout.contains("confusion matrix (rows: label, columns: predicted):"), text.stdout)
        let header = text.stdout.split(separator: "\n").first { $0.hasPrefix("confusion matrix") }
            .flatMap { header in text.stdout.split(separator: "\n").drop { $0 != header }.dropFirst().first }
        XCTAssertEqual(header?.collapsingWhitespace, "0 1 2 3 4 5 6 7 8 9", text.stdout)
    }

    func testValidationSplitUsesTheCheckpointsValidationSize() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 50)
        let checkpoint = scratchPath("model.safetensors")
        try train(data, output: checkpoint, ["--epochs", "1"])
        let result = try mnistNCE(["eval", "--checkpoint", checkpoint, "--data-dir", data.folder, "--split", "validation", "--json"])
        assertSuccess(result)
        let report = try jsonObject(result.stdout)
        XCTAssertEqual(report["split"] as? String, "validation")
        XCTAssertEqual(report["count"] as? Int, 100, "quickTrainingOptions hold out 100 images")
        XCTAssertEqual(report["epoch"] as? Int, 1)
    }

    // MARK: Damaged and missing checkpoints

    func testMissingCheckpointExits66() throws {
        let data = try makeDataSet(trainCount: 40, testCount: 10)
        let path = scratchPath("absent.safetensors")
        let result = try mnistNCE(["eval", "--checkpoint", path, "--data-dir", data.folder])
        assertFailure(result, status: 66, mentioning: [path])
    }

    func testTruncatedCheckpointExits65() throws {
        try checkDamagedCheckpoint { bytes in Array(bytes.prefix(bytes.count - 37)) }
    }

    func testCheckpointWithBrokenHeaderExits65() throws {
        // Bytes 8 onward are the JSON header; `{` becomes `X`.
        try checkDamagedCheckpoint { bytes in
            var damaged = bytes
            damaged[8] = UInt8(ascii: "X")
            return damaged
        }
    }

    func testCheckpointWithHeaderLengthBeyondTheFileExits65() throws {
        try checkDamagedCheckpoint { bytes in
            var damaged = bytes
            damaged[5] = 0x7F
            return damaged
        }
    }

    func testSafetensorsFileFromAnotherToolExits65() throws {
        let data = try makeDataSet(trainCount: 40, testCount: 10)
        let path = scratchPath("foreign.safetensors")
        let header = Array(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.utf8)
        let length = UInt64(header.count)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + header + [0, 0, 128, 63]
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try mnistNCE(["eval", "--checkpoint", path, "--data-dir", data.folder])
        assertFailure(result, status: 65, mentioning: [path, "expected", "found", "mnist-nce"])
    }

    /// Trains a checkpoint, rewrites it with `damage`, and checks that
    /// `eval` rejects it with status 65 and one line naming the file.
    private func checkDamagedCheckpoint(
        file: StaticString = #filePath, line: UInt = #line, _ damage: ([UInt8]) -> [UInt8]
    ) throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let path = scratchPath("damaged.safetensors")
        try train(data, output: path, ["--epochs", "1"], file: file, line: line)
        try Data(damage(try contents(path))).write(to: URL(fileURLWithPath: path))
        let result = try mnistNCE(["eval", "--checkpoint", path, "--data-dir", data.folder])
        assertFailure(result, status: 65, mentioning: [path, "expected", "found"], file: file, line: line)
    }
}
