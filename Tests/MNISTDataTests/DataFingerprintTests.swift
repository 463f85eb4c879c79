import Foundation
import MNISTData
import XCTest

final class DataFingerprintTests: XCTestCase {
    private func bundledDataFolder() -> String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/mnist").path
    }

    /// The digests equal `sha256sum` of the decompressed test files.
    func testDigestsMatchTheDecompressedFiles() throws {
        let folder = bundledDataFolder()
        let set = try MNISTDataSet.load(directory: folder)
        let fingerprint = DataFingerprint(set)
        XCTAssertEqual(fingerprint.rows, 28)
        XCTAssertEqual(fingerprint.trainCount, 60_000)
        XCTAssertEqual(fingerprint.testCount, 10_000)
        for (name, digest) in [
            ("t10k-images-idx3-ubyte.gz", fingerprint.testImagesSHA256),
            ("t10k-labels-idx1-ubyte.gz", fingerprint.testLabelsSHA256),
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "gzip -dc '\(folder)/\(name)' | sha256sum"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(String(output.prefix(64)), digest, name)
        }
    }

    func testMismatchNamesTheFirstDifference() throws {
        let test = try ImageSet(rows: 2, columns: 2, pixels: [0, 1, 2, 3, 4, 5, 6, 7], labels: [1, 2])
        let fingerprint = DataFingerprint(rows: 2, columns: 2, trainCount: 10, testCount: 2, testSplit: test)
        XCTAssertNil(fingerprint.mismatch(rows: 2, columns: 2, trainCount: 10, test: test))
        XCTAssertNil(fingerprint.mismatch(rows: 2, columns: 2, trainCount: nil, test: nil))
        XCTAssertEqual(fingerprint.mismatch(rows: 3, columns: 2, trainCount: nil, test: nil), "images of 2×2, found 3×2")
        XCTAssertEqual(fingerprint.mismatch(rows: 2, columns: 2, trainCount: 11, test: nil), "10 training images, found 11")
        let other = try ImageSet(rows: 2, columns: 2, pixels: [0, 1, 2, 3, 4, 5, 6, 8], labels: [1, 2])
        XCTAssertTrue(fingerprint.mismatch(rows: 2, columns: 2, trainCount: nil, test: other)?.contains("test images") ?? false)
        let relabelled = try ImageSet(rows: 2, columns: 2, pixels: [0, 1, 2, 3, 4, 5, 6, 7], labels: [1, 3])
        XCTAssertTrue(fingerprint.mismatch(rows: 2, columns: 2, trainCount: nil, test: relabelled)?.contains("test labels") ?? false)
    }
}
