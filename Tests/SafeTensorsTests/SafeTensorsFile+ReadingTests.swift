import Foundation
import XCTest
@testable import SafeTensors

final class SafeTensorsFileReadingTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    private func store(_ bytes: [UInt8], as name: String) throws -> String {
        let path = directory.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testReadsAValidFileFromDisk() throws {
        let bytes = try SafeTensorsFile.encode(
            [TensorRecord(name: "b", shape: [2], floats: [0.5, -4])], metadata: ["epoch": "3"])
        let path = try store(bytes, as: "ok.safetensors")
        let archive = try SafeTensorsFile.read(path: path)
        XCTAssertEqual(archive.path, path)
        XCTAssertEqual(archive.metadata, ["epoch": "3"])
        XCTAssertEqual(bitPatterns(try archive.floats("b")), bitPatterns([0.5, -4]))
    }

    func testMissingFilesAndDirectoriesAreMissingInput() throws {
        let missing = directory.file("absent.safetensors")
        assertThrows(.missingFile, mentioning: [missing, "opening for reading", "No such file"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.read(path: missing)
        }
        assertThrows(.missingFile, mentioning: [directory.path, "a regular file", "a directory"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.read(path: directory.path)
        }
        let underFile = try store([1], as: "plain") + "/x.safetensors"
        assertThrows(.missingFile, mentioning: [underFile, "Not a directory"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.read(path: underFile)
        }
        let fifo = directory.file("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        assertThrows(.missingFile, mentioning: [fifo, "a regular file", "a special file"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.read(path: fifo)
        }
    }

    func testEmptyAndSevenByteFilesAreMalformed() throws {
        let empty = try store([], as: "empty.safetensors")
        assertThrows(.malformed, mentioning: [empty, "at least 8 bytes", "a file of 0 bytes"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.read(path: empty)
        }
        let seven = try store([8, 0, 0, 0, 0, 0, 0], as: "seven.safetensors")
        assertThrows(.malformed, mentioning: [seven, "at least 8 bytes", "a file of 7 bytes"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.read(path: seven)
        }
    }

    func testHeaderLengthIsCheckedAgainstTheFileSizeBeforeLoading() throws {
        let path = try store([0, 0, 0, 0, 0, 0, 0, 0x40, 0x7B, 0x7D], as: "huge.safetensors")
        assertThrows(.malformed, mentioning: [path, "header length", "at most 100000000 bytes"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.read(path: path)
        }
        let longer = try store([200, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D], as: "long.safetensors")
        assertThrows(.malformed, mentioning: [longer, "at most 2 bytes (the file size minus 8)", "found 200"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.read(path: longer)
        }
    }

    func testTruncatedFilesOnDiskAreMalformed() throws {
        let bytes = try SafeTensorsFile.encode(
            [TensorRecord(name: "W", shape: [10, 4], floats: [Float](repeating: 1, count: 40))], metadata: [:])
        for length in [8, 9, bytes.count / 2, bytes.count - 1] {
            let path = try store(Array(bytes.prefix(length)), as: "cut\(length).safetensors")
            assertThrows(.malformed, mentioning: [path]) { () throws(SafeTensorsError) in
                try SafeTensorsFile.read(path: path)
            }
        }
    }
}
