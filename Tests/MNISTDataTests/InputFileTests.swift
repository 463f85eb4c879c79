import Foundation
import MNISTData
import XCTest

final class InputFileTests: XCTestCase {
    func testMissingFile() throws {
        let path = try makeTemporaryDirectory(for: self) + "/nothing-here"
        assertDataError(.missingInput, mentioning: [path + ": expected an existing file", "open failed"]) {
            try IDXReader.read(path: path)
        }
    }

    func testDirectoryIsNotARegularFile() throws {
        let path = try makeTemporaryDirectory(for: self)
        assertDataError(.missingInput, mentioning: [path + ": expected a regular file, found a directory"]) {
            try IDXReader.read(path: path)
        }
    }

    /// A FIFO named like a data file, with no writer, is refused at once:
    /// the open does not wait for a writer. Read on another thread so that
    /// a regression fails the test instead of hanging it.
    func testFIFOIsRefusedPromptly() throws {
        let path = try makeTemporaryDirectory(for: self) + "/t10k-labels-idx1-ubyte.gz"
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        let finished = expectation(description: "IDXReader.read returned")
        let outcome = OutcomeBox()
        Thread.detachNewThread {
            do {
                _ = try IDXReader.read(path: path)
                outcome.set("read a FIFO as data")
            } catch {
                outcome.set("\(error)")
            }
            finished.fulfill()
        }
        wait(for: [finished], timeout: 5)
        XCTAssertEqual(outcome.value, path + ": expected a regular file, found a special file")
    }

    func testPathThroughAFileCannotBeOpened() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let file = try writeFile([0, 0, 8, 1, 0, 0, 0, 1, 1], named: "plain", in: directory)
        assertDataError(.missingInput, mentioning: [file + "/child: expected a readable file", "Not a directory"]) {
            try IDXReader.read(path: file + "/child")
        }
    }

    #if os(Linux)
    /// Reading address 0 of the process's own memory fails with EIO, a
    /// dependable read failure on an opened regular file.
    func testReadFailureIsAnIOError() {
        assertDataError(.ioError, mentioning: ["/proc/self/mem: expected readable bytes at offset 0", "errno 5"]) {
            try IDXReader.read(path: "/proc/self/mem")
        }
    }
    #endif

    func testUnreadableFile() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let path = try writeFile(idxBytes(typeCode: 0x08, dimensions: [1], payload: [1]), named: "locked", in: directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
        addTeardownBlock { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
        if geteuid() == 0 {
            // Root ignores permission bits, so the file stays readable.
            XCTAssertEqual(try IDXReader.read(path: path).uint8Values, [1])
        } else {
            assertDataError(.missingInput, mentioning: [path, "a readable file", "Permission denied"]) {
                try IDXReader.read(path: path)
            }
        }
    }
}

/// A string handed from a worker thread to the test, behind a lock.
private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?

    func set(_ value: String) { lock.withLock { text = value } }
    var value: String? { lock.withLock { text } }
}
