import MNISTData
import XCTest

/// `IDXReader.read(bytes:source:limit:)`: the same checks as reading a file.
final class IDXReaderBytesTests: XCTestCase {
    func testReadsRawAndGzipBytesLikeTheFile() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let bytes = idxBytes(typeCode: 0x0B, dimensions: [2, 2], payload: [0x80, 0x00, 0x00, 0x01, 0x01, 0x2C, 0xFF, 0xFF])
        for data in [bytes, try gzip(bytes)] {
            let fromMemory = try IDXReader.read(bytes: data, source: "memory")
            let fromFile = try IDXReader.read(path: writeFile(data, named: "file", in: directory))
            XCTAssertEqual(fromMemory, fromFile)
            XCTAssertEqual(fromMemory.dimensions, [2, 2])
        }
    }

    func testErrorsNameTheSource() {
        let truncated = idxBytes(typeCode: 0x08, dimensions: [4], payload: [1, 2])
        let error = assertDataError(.malformedData, mentioning: ["payload bytes"]) {
            try IDXReader.read(bytes: truncated, source: "in-memory labels")
        }
        XCTAssertTrue(error?.description.hasPrefix("in-memory labels: expected ") ?? false, "\(String(describing: error))")
    }

    func testGzipBoundComesFromTheCompressedSize() throws {
        // 60,000 × 28 × 28 declared in a few compressed bytes: refused before
        // anything of that size is reserved.
        let header = idxBytes(typeCode: 0x08, dimensions: [60_000, 28, 28], payload: [])
        let compressed = try gzip(header)
        assertDataError(.malformedData, mentioning: ["small.gz: expected ", "deflate expands at most 1032:1"]) {
            try IDXReader.read(bytes: compressed, source: "small.gz")
        }
    }
}
