import Foundation
import XCTest
@testable import SafeTensors

final class AtomicFileReplacementTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    private func contents(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testSplitsPathsIntoDirectoryAndFileName() throws {
        XCTAssertTrue(try AtomicFileReplacement.split("a/b/c.st") == ("a/b", "c.st"))
        XCTAssertTrue(try AtomicFileReplacement.split("c.st") == (".", "c.st"))
        XCTAssertTrue(try AtomicFileReplacement.split("/c.st") == ("/", "c.st"))
        for bad in ["", "dir/", "a/.", "a/.."] {
            assertThrows(.cannotCreate, mentioning: ["a path ending in a file name"]) { () throws(SafeTensorsError) in
                try AtomicFileReplacement.split(bad)
            }
        }
    }

    func testFailureAtAnyStageKeepsTheOldFileAndRemovesTheTemporaryOne() throws {
        let path = directory.file("model.safetensors")
        let old: [UInt8] = Array("previous checkpoint".utf8)
        try Data(old).write(to: URL(fileURLWithPath: path))
        for stage in [AtomicFileReplacement.Stage.afterWrite, .beforeRename] {
            assertThrows(.io, mentioning: [path, "temporary file", "injected"]) { () throws(SafeTensorsError) in
                try SafeTensorsFile.write(
                    [TensorRecord(name: "b", shape: [1], floats: [1])], metadata: [:], to: path,
                    createDirectories: false, failingAt: stage)
            }
            XCTAssertEqual(try contents(path), old, "\(stage)")
            XCTAssertEqual(try directory.contents(), ["model.safetensors"], "\(stage)")
        }
    }

    func testNewFilesAreWorldReadableAndReplacedFilesKeepTheirMode() throws {
        let fresh = directory.file("fresh.bin")
        try AtomicFileReplacement.replace(fresh, with: [1], createDirectories: false)
        XCTAssertEqual(try permissions(fresh), 0o644)

        let existing = directory.file("existing.bin")
        try Data([0]).write(to: URL(fileURLWithPath: existing))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: existing)
        try AtomicFileReplacement.replace(existing, with: [2, 3], createDirectories: false)
        XCTAssertEqual(try permissions(existing), 0o600)
        XCTAssertEqual(try contents(existing), [2, 3])
    }

    private func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}
