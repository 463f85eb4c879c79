import Foundation
import XCTest

/// `mnist-nce data`, and how `data` and `train` report missing and
/// malformed data files: status 66 or 65 and one line naming the file and
/// saying what was expected and what was found.
final class DataCommandTests: CommandTestCase {
    func testBundledDataHasTheStandardSplits() throws {
        let result = try mnistNCE(["data", "--data-dir", CommandRunner.bundledData])
        assertSuccess(result)
        XCTAssertEqual(result.stderr, "")
        let lines = result.stdout.split(separator: "\n").map { $0.collapsingWhitespace }
        XCTAssertTrue(lines.contains { $0.hasPrefix("train 55000 images") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("validation 5000 images") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("test 10000 images") }, result.stdout)
        XCTAssertTrue(result.stdout.contains("28×28"), result.stdout)
    }

    func testGeneratedDataReportsSplitSizesAndLabelCounts() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 30)
        let result = try mnistNCE(["data", "--data-dir", data.folder, "--validation-size", "50"])
        assertSuccess(result)
        let lines = result.stdout.split(separator: "\n").map { $0.collapsingWhitespace }
        // Labels cycle through the classes before shuffling, so each test
        // class appears exactly three times.
        XCTAssertTrue(lines.contains("test 30 images; per label: 3 3 3 3 3 3 3 3 3 3"), result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("train 150 images") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("validation 50 images") }, result.stdout)
    }

    func testNegativeValidationSizeIsAUsageError() throws {
        assertFailure(try mnistNCE(["data", "--validation-size", "-1"]), status: 64, mentioning: ["--validation-size", "-1"])
    }

    func testValidationSizeAsLargeAsTheTrainingSetIsAUsageError() throws {
        let data = try makeDataSet(trainCount: 40, testCount: 10)
        let result = try mnistNCE(["data", "--data-dir", data.folder, "--validation-size", "40"])
        assertFailure(result, status: 64, mentioning: ["expected", "found 40"])
    }

    // MARK: Missing input

    func testMissingFolderExits66() throws {
        let folder = scratchPath("no-such-folder")
        for command in ["data", "train"] {
            let result = try mnistNCE(dataArguments(command, folder))
            assertFailure(result, status: 66, mentioning: [folder, "expected", "found"])
        }
    }

    func testMissingFileExits66NamingIt() throws {
        let data = try makeDataSet(trainCount: 40, testCount: 10)
        try FileManager.default.removeItem(atPath: data.path(SyntheticMNIST.testLabels))
        for command in ["data", "train"] {
            let result = try mnistNCE(dataArguments(command, data.folder))
            assertFailure(result, status: 66, mentioning: [SyntheticMNIST.testLabels, "expected", "found"])
        }
    }

    // MARK: Malformed data

    func testWrongMagicExits65() throws {
        try checkMalformed(SyntheticMNIST.trainImages) { data in
            var bytes = try data.bytes(of: SyntheticMNIST.trainImages)
            bytes[0] = 0x12
            bytes[1] = 0x34
            try data.overwrite(SyntheticMNIST.trainImages, with: bytes)
        }
    }

    func testTruncatedPayloadExits65() throws {
        try checkMalformed(SyntheticMNIST.testImages) { data in
            let count = try data.bytes(of: SyntheticMNIST.testImages).count
            try data.truncate(SyntheticMNIST.testImages, to: count - 100)
        }
    }

    func testTruncatedHeaderExits65() throws {
        try checkMalformed(SyntheticMNIST.trainLabels) { data in
            try data.truncate(SyntheticMNIST.trainLabels, to: 6)
        }
    }

    func testTrailingBytesExit65() throws {
        try checkMalformed(SyntheticMNIST.trainLabels) { data in
            try data.overwrite(SyntheticMNIST.trainLabels, with: try data.bytes(of: SyntheticMNIST.trainLabels) + [1, 2, 3])
        }
    }

    func testLabelTenExits65() throws {
        try checkMalformed(SyntheticMNIST.testLabels, mentioning: ["10"]) { data in
            var bytes = try data.bytes(of: SyntheticMNIST.testLabels)
            bytes[bytes.count - 1] = 10
            try data.overwrite(SyntheticMNIST.testLabels, with: bytes)
        }
    }

    func testLabelCountDifferentFromImageCountExits65() throws {
        try checkMalformed(SyntheticMNIST.trainLabels, mentioning: ["39"]) { data in
            let labels = try data.bytes(of: SyntheticMNIST.trainLabels)
            try data.overwrite(SyntheticMNIST.trainLabels, with: IDXFile.bytes(dimensions: [39], values: Array(labels[8..<47])))
        }
    }

    func testImagesOfRankTwoExit65() throws {
        try checkMalformed(SyntheticMNIST.testImages) { data in
            try data.overwrite(
                SyntheticMNIST.testImages, with: IDXFile.bytes(dimensions: [10, 784], values: Array(repeating: 7, count: 7840)))
        }
    }

    func testTruncatedGzipFileExits65() throws {
        try checkMalformed(SyntheticMNIST.trainImages + ".gz") { data in
            let raw = data.path(SyntheticMNIST.trainImages)
            let gzip = try CommandRunner.runTool("gzip", ["-n", raw], scratch: scratch)
            XCTAssertEqual(gzip.status, 0, "gzip failed: \(gzip.stderr)")
            let name = SyntheticMNIST.trainImages + ".gz"
            let count = try data.bytes(of: name).count
            try data.truncate(name, to: count / 2)
        }
    }

    func testGzipAndRawFilesLoadAlike() throws {
        let data = try makeDataSet(trainCount: 40, testCount: 10)
        let before = try mnistNCE(["data", "--data-dir", data.folder, "--validation-size", "5"])
        assertSuccess(before)
        for name in [SyntheticMNIST.trainImages, SyntheticMNIST.testLabels] {
            let gzip = try CommandRunner.runTool("gzip", ["-n", data.path(name)], scratch: scratch)
            XCTAssertEqual(gzip.status, 0, "gzip failed: \(gzip.stderr)")
        }
        let after = try mnistNCE(["data", "--data-dir", data.folder, "--validation-size", "5"])
        assertSuccess(after)
        XCTAssertEqual(after.stdout, before.stdout)
    }

    /// Writes a small generated set, damages it with `damage`, and checks
    /// that both `data` and `train` fail with status 65 and one line naming
    /// `damagedFile` (by its full path) with "expected" and "found".
    private func checkMalformed(
        _ damagedFile: String, mentioning extra: [String] = [],
        file: StaticString = #filePath, line: UInt = #line, damage: (SyntheticMNIST) throws -> Void
    ) throws {
        let data = try makeDataSet(trainCount: 40, testCount: 10)
        try damage(data)
        for command in ["data", "train"] {
            let result = try mnistNCE(dataArguments(command, data.folder))
            assertFailure(
                result, status: 65, mentioning: [data.path(damagedFile), "expected", "found"] + extra,
                file: file, line: line)
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: scratchPath("model.safetensors")),
            "train wrote a checkpoint from malformed data", file: file, line: line)
    }

    /// The command line that makes `command` load the data in `folder`.
    private func dataArguments(_ command: String, _ folder: String) -> [String] {
        var arguments = [command, "--data-dir", folder, "--validation-size", "5"]
        if command == "train" {
            arguments += ["--hidden", "8", "--epochs", "1", "--output", scratchPath("model.safetensors")]
        }
        return arguments
    }
}
