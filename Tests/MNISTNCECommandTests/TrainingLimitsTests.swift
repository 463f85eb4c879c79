import Foundation
import XCTest

/// Runs that cannot succeed stop early and say why: explosive divergence,
/// learning rates out of range, configurations too large for memory.
final class TrainingLimitsTests: CommandTestCase {
    func testExplosiveLossStopsWithStatus1() throws {
        let data = try makeDataSet(trainCount: 600, testCount: 20)
        let output = scratchPath("exploded.safetensors")
        let result = try mnistNCE(
            ["train"] + quickTrainingOptions(data)
                + ["--output", output, "--loss", "softmax", "--learning-rate", "10", "--json"])
        assertFailure(result, status: 1, mentioning: ["training diverged", "smoothed loss", "--learning-rate"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "a diverged first epoch wrote a checkpoint")
    }

    func testLearningRateAboveTheBoundIsAUsageError() throws {
        for rate in ["1e9", "1e300", "10.5"] {
            let result = try mnistNCE(["train", "--learning-rate", rate])
            assertFailure(result, status: 64, mentioning: ["--learning-rate", "at most 10"])
        }
    }

    func testConfigurationTooLargeForMemoryIsRefused() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        let output = scratchPath("huge.safetensors")
        let result = try mnistNCE(
            [
                "train", "--data-dir", data.folder, "--validation-size", "100", "--hidden", "65536",
                "--batch-size", "65536", "--output", output,
            ],
            environment: ["MNIST_NCE_MEMORY_LIMIT": "4G"])
        assertFailure(result, status: 64, mentioning: ["memory", "GiB", "--hidden 65536", "--batch-size 65536"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))

        // The same limit leaves room for an ordinary run.
        let small = try mnistNCE(
            ["train"] + quickTrainingOptions(data) + ["--epochs", "1", "--output", output],
            environment: ["MNIST_NCE_MEMORY_LIMIT": "4G"])
        assertSuccess(small)
    }
}
