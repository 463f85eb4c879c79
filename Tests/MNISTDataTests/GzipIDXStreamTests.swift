import MNISTData
import XCTest

/// Gzip-specific failures: the stream must be complete, its trailer must
/// match, and nothing may follow the member.
final class GzipIDXStreamTests: XCTestCase {
    private let plain = idxBytes(typeCode: 0x0C, dimensions: [3, 5], payload: (0..<60).map { UInt8($0 * 7 % 256) })

    private func readGzipBytes(_ bytes: [UInt8], name: String = "fixture.gz") throws -> (String, Result<IDXArray, Error>) {
        let path = try writeFile(bytes, named: name, in: makeTemporaryDirectory(for: self))
        return (path, Result { try IDXReader.read(path: path) })
    }

    func testIntactMemberDecodes() throws {
        let (_, result) = try readGzipBytes(gzip(plain))
        XCTAssertEqual(try result.get().int32Values?.count, 15)
        XCTAssertEqual(try result.get().int32Values?.first, 0x0007_0E15)
    }

    func testTruncatedStream() throws {
        let compressed = try gzip(plain)
        for cut in [10, compressed.count / 2, compressed.count - 8, compressed.count - 1] {
            let path = try writeFile(Array(compressed[..<cut]), named: "cut-\(cut).gz", in: makeTemporaryDirectory(for: self))
            assertDataError(.malformedData, mentioning: [path, "complete gzip member", "truncated", "after \(cut) compressed bytes"]) {
                try IDXReader.read(path: path)
            }
        }
    }

    func testCorruptCRC() throws {
        var compressed = try gzip(plain)
        compressed[compressed.count - 8] ^= 0x01
        let path = try writeFile(compressed, named: "crc.gz", in: makeTemporaryDirectory(for: self))
        assertDataError(.malformedData, mentioning: [path, "CRC-32", "incorrect data check"]) {
            try IDXReader.read(path: path)
        }
    }

    func testCorruptLength() throws {
        var compressed = try gzip(plain)
        compressed[compressed.count - 4] ^= 0x01
        let path = try writeFile(compressed, named: "isize.gz", in: makeTemporaryDirectory(for: self))
        assertDataError(.malformedData, mentioning: [path, "ISIZE", "incorrect length check"]) {
            try IDXReader.read(path: path)
        }
    }

    func testCorruptDeflateData() throws {
        var compressed = try gzip(plain)
        // Byte 10 starts the deflate data; block type 3 is invalid.
        compressed[10] = 0x07
        let path = try writeFile(compressed, named: "deflate.gz", in: makeTemporaryDirectory(for: self))
        assertDataError(.malformedData, mentioning: [path, "valid gzip data", "zlib error"]) {
            try IDXReader.read(path: path)
        }
    }

    func testPayloadShorterThanDeclared() throws {
        let short = idxBytes(typeCode: 0x08, dimensions: [10], payload: [1, 2, 3])
        let path = try writeFile(gzip(short), named: "short.gz", in: makeTemporaryDirectory(for: self))
        assertDataError(.malformedData, mentioning: [path, "10 payload bytes for uint8 dimensions [10]", "found 3 bytes"]) {
            try IDXReader.read(path: path)
        }
    }

    func testPayloadLongerThanDeclared() throws {
        let long = idxBytes(typeCode: 0x08, dimensions: [2], payload: [1, 2, 3, 4, 5])
        let path = try writeFile(gzip(long), named: "long.gz", in: makeTemporaryDirectory(for: self))
        assertDataError(.malformedData, mentioning: [path, "after 10 bytes", "found 3 trailing bytes"]) {
            try IDXReader.read(path: path)
        }
    }

    func testDataAfterTheMemberIsRejected() throws {
        let member = try gzip(plain)
        for (name, suffix) in [("second-member", member), ("junk", [0x00, 0x42] as [UInt8])] {
            let path = try writeFile(member + suffix, named: name + ".gz", in: makeTemporaryDirectory(for: self))
            assertDataError(
                .malformedData,
                mentioning: [path, "member ending at byte \(member.count)", "found \(suffix.count) more bytes"]
            ) {
                try IDXReader.read(path: path)
            }
        }
    }

    func testLargePayloadSpanningManyInputChunks() throws {
        // Incompressible bytes so the compressed file exceeds the 1 MiB read chunk.
        var rng = SplitMix64(state: 7)
        let count = 3 << 20
        let payload = (0..<count / 8).flatMap { _ in withUnsafeBytes(of: rng.next()) { Array($0) } }
        let bytes = idxBytes(typeCode: 0x08, dimensions: [3, 1 << 20], payload: payload)
        let compressed = try gzip(bytes, level: 1)
        XCTAssertGreaterThan(compressed.count, 2 << 20)
        let (_, result) = try readGzipBytes(compressed)
        XCTAssertEqual(try result.get().uint8Values, payload)
    }
}
