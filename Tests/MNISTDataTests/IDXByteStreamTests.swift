import MNISTData
import XCTest

/// Payload length checks for uncompressed files.
final class IDXByteStreamTests: XCTestCase {
    func testRawPayloadShorterThanDeclared() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let path = try writeFile(
            idxBytes(typeCode: 0x0B, dimensions: [2, 3], payload: Array(repeating: 1, count: 11)),
            named: "short", in: directory)
        assertDataError(
            .malformedData,
            mentioning: [path, "at most 11 payload bytes", "holds 23 bytes of which 12 are header", "declaring 12 payload bytes"]
        ) {
            try IDXReader.read(path: path)
        }
    }

    func testRawPayloadLongerThanDeclared() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let path = try writeFile(
            idxBytes(typeCode: 0x08, dimensions: [4], payload: [1, 2, 3, 4, 5, 6, 7]),
            named: "long", in: directory)
        assertDataError(.malformedData, mentioning: [path, "end of file after 12 bytes", "found 3 trailing bytes"]) {
            try IDXReader.read(path: path)
        }
    }
}
