import Foundation
@testable import NCENetwork
import XCTest

final class MetricsLogTests: XCTestCase {
    func report(_ epoch: Int) -> EpochReport {
        EpochReport(
            epoch: epoch, epochs: 3, steps: 10 * epoch, meanLoss: 0.5, validationAccuracy: 0.9, imagesPerSecond: 100,
            trainingSeconds: 1, learningRate: 1e-3)
    }

    func testLinesCarryTheFormatAndEveryField() throws {
        let path = try makeTemporaryFolder(for: self) + "/m.jsonl"
        let log = try MetricsLog(path: path, mode: .create)
        try log.append(report(1))
        try log.append(report(2))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertEqual(object["format"] as? String, MetricsLog.formatName)
        XCTAssertEqual(object["epoch"] as? Int, 2)
        XCTAssertEqual(object["validation_accuracy"] as? Double, 0.9)
        XCTAssertTrue(MetricsLog.isMetricsFile(path))
    }

    func testModesTreatExistingFilesAsDocumented() throws {
        let folder = try makeTemporaryFolder(for: self)
        let path = folder + "/m.jsonl"
        try MetricsLog(path: path, mode: .create).append(report(1))
        XCTAssertThrowsError(try MetricsLog(path: path, mode: .create)) { error in
            XCTAssertTrue((error as? MetricsWriteError)?.cannotCreate ?? false)
        }
        try MetricsLog(path: path, mode: .append).append(report(2))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count, 2)
        try MetricsLog(path: path, mode: .overwrite).append(report(3))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count, 1)

        let foreign = folder + "/notes.txt"
        try Data("{\"epoch\":1}\n".utf8).write(to: URL(fileURLWithPath: foreign))
        for mode in [MetricsLog.Mode.create, .overwrite, .append] {
            XCTAssertThrowsError(try MetricsLog(path: foreign, mode: mode))
        }
        XCTAssertEqual(try String(contentsOfFile: foreign, encoding: .utf8), "{\"epoch\":1}\n")
    }

    func testAnUnusedNewFileIsRemoved() throws {
        let path = try makeTemporaryFolder(for: self) + "/sub/m.jsonl"
        let log = try MetricsLog(path: path, mode: .create)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        log.removeIfUnused()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}
