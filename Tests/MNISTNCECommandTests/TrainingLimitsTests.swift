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

    /// Four training and two test images of 1024 × 1024, written at test
    /// time (6 MB).
    func makeHugeImageData() throws -> String {
        let folder = scratchPath("huge-images")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (images, labels, count) in [
            (SyntheticMNIST.trainImages, SyntheticMNIST.trainLabels, 4), (SyntheticMNIST.testImages, SyntheticMNIST.testLabels, 2),
        ] {
            var pixels = [UInt8](repeating: 0, count: count << 20)
            for index in stride(from: 0, to: pixels.count, by: 11) { pixels[index] = UInt8(truncatingIfNeeded: index) }
            try Data(IDXFile.bytes(dimensions: [count, 1024, 1024], values: pixels))
                .write(to: URL(fileURLWithPath: folder + "/" + images))
            try Data(IDXFile.bytes(dimensions: [count], values: (0..<count).map { UInt8($0) }))
                .write(to: URL(fileURLWithPath: folder + "/" + labels))
        }
        return folder
    }

    /// 1024 × 1024 images with the default 1,024 hidden units need 4.3 GB
    /// per copy of the hidden weights: refused in one line, both under
    /// MNIST_NCE_MEMORY_LIMIT and under an address-space limit (`ulimit
    /// -v`), which used to let the run abort allocating them. A small
    /// hidden layer fits and trains.
    func testHugeImagesAreRefusedUnlessTheyFit() throws {
        let folder = try makeHugeImageData()
        let output = scratchPath("huge.safetensors")
        let options = ["train", "--data-dir", folder, "--validation-size", "1", "--steps", "1", "--threads", "1", "--output", output]
        let limited = try mnistNCE(options, environment: ["MNIST_NCE_MEMORY_LIMIT": "3G"])
        assertFailure(limited, status: 64, mentioning: ["3.0 GiB of memory available", "17.3 GiB", "1048576 inputs"])
        let shell = try CommandRunner.runTool(
            "/bin/sh", ["-c", "ulimit -v \(3 << 20) && exec \"$0\" \"$@\"", CommandRunner.executable.path] + options,
            in: scratch, scratch: scratch)
        assertFailure(shell, status: 64, mentioning: ["of memory available", "17.3 GiB", "--hidden 1024"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))

        let small = try mnistNCE(
            options + ["--hidden", "8", "--batch-size", "2"], environment: ["MNIST_NCE_MEMORY_LIMIT": "3G"], timeout: 120)
        assertSuccess(small)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output))
    }
}
