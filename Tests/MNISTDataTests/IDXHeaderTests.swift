import MNISTData
import XCTest

/// Header validation, exercised through `IDXReader` on raw and gzip files.
final class IDXHeaderTests: XCTestCase {
    /// Writes `bytes` raw and gzip-compressed and asserts both fail alike.
    private func assertBothEncodingsFail(
        _ bytes: [UInt8], mentioning mentions: [String], line: UInt = #line
    ) throws {
        let directory = try makeTemporaryDirectory(for: self)
        let raw = try writeFile(bytes, named: "raw-idx", in: directory)
        let compressed = try writeFile(gzip(bytes), named: "gz-idx", in: directory)
        for path in [raw, compressed] {
            assertDataError(.malformedData, mentioning: [path] + mentions, line: line) {
                try IDXReader.read(path: path)
            }
        }
    }

    func testWrongMagicNamesBytesZeroAndOne() throws {
        try assertBothEncodingsFail(
            [0x1F, 0x8C, 0x08, 0x01, 0, 0, 0, 1, 5],
            mentioning: ["expected IDX magic 0x00 0x00 in bytes 0-1, found 0x1f 0x8c"])
        try assertBothEncodingsFail([0x00, 0x01, 0x08, 0x01], mentioning: ["found 0x00 0x01"])
    }

    func testUnknownTypeCode() throws {
        try assertBothEncodingsFail(
            idxBytes(typeCode: 0x0A, dimensions: [1], payload: [0]),
            mentioning: ["IDX type code", "in byte 2", "found 0x0a"])
    }

    func testRankZero() throws {
        try assertBothEncodingsFail([0, 0, 0x08, 0], mentioning: ["rank of 1 to 255 in byte 3", "found 0"])
    }

    func testZeroDimension() throws {
        try assertBothEncodingsFail(
            idxBytes(typeCode: 0x08, dimensions: [3, 0, 2], payload: []),
            mentioning: ["dimension 1 (bytes 8-11) at least 1", "found 0"])
    }

    func testHeaderCutShort() throws {
        try assertBothEncodingsFail([0, 0], mentioning: ["4-byte IDX header", "found 2 bytes"])
        try assertBothEncodingsFail(
            [0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0],
            mentioning: ["3 big-endian UInt32 dimensions in bytes 4-15", "ends after 10 bytes"])
    }

    func testEmptyFile() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let path = try writeFile([], named: "empty", in: directory)
        assertDataError(.malformedData, mentioning: [path, "found 0 bytes"]) {
            try IDXReader.read(path: path)
        }
    }
}
