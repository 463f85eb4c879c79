import XCTest
@testable import SafeTensors

final class SafeTensorsFileDecodingTests: XCTestCase {
    private let path = "model.safetensors"

    /// A valid file shaped like a small classifier checkpoint.
    private func validFile() throws -> [UInt8] {
        try SafeTensorsFile.encode(
            [
                TensorRecord(name: "W1", shape: [3, 4], floats: (0..<12).map { Float($0) * 0.5 - 2 }),
                TensorRecord(name: "b1", shape: [3], floats: [0.25, -0.0, .nan]),
                TensorRecord(name: "steps", shape: [2], int32s: [7, -7]),
                TensorRecord(name: "lr", shape: [], doubles: [1e-3]),
            ],
            metadata: ["loss": "nce", "num_sampled": "5"])
    }

    func testRejectsFilesTooShortToHoldTheHeaderLength() {
        assertThrows(.malformed, mentioning: [path, "header length", "at least 8 bytes", "a file of 0 bytes"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.decode([], path: path)
        }
        assertThrows(.malformed, mentioning: ["at least 8 bytes", "a file of 7 bytes"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.decode([UInt8](repeating: 0, count: 7), path: path)
        }
    }

    func testRejectsHeaderLengthsBeyondTheLimitOrTheFile() {
        let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7B, 0x7D]
        assertThrows(.malformed, mentioning: ["header length", "at most 100000000 bytes", "found 18446744073709551615"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.decode(huge, path: path)
        }
        // 100 000 001 = 0x05F5E101: just over the limit.
        let overLimit: [UInt8] = [0x01, 0xE1, 0xF5, 0x05, 0, 0, 0, 0, 0x7B, 0x7D]
        assertThrows(.malformed, mentioning: ["at most 100000000 bytes", "found 100000001"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.decode(overLimit, path: path)
        }
        let overFile: [UInt8] = [3, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]
        assertThrows(.malformed, mentioning: ["at most 2 bytes (the file size minus 8)", "found 3"]) {
            () throws(SafeTensorsError) in try SafeTensorsFile.decode(overFile, path: path)
        }
    }

    func testAcceptsTheSmallestValidFile() throws {
        let archive = try SafeTensorsFile.decode([2, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D], path: path)
        XCTAssertEqual(archive.tensors, [])
        XCTAssertEqual(archive.metadata, [:])
    }

    func testRejectsEveryTruncationOfAValidFile() throws {
        let bytes = try validFile()
        XCTAssertNoThrow(try SafeTensorsFile.decode(bytes, path: path))
        let headerEnd = 8 + Int(bytes[0]) + Int(bytes[1]) << 8
        for length in 0..<bytes.count {
            let mentions: [String] = switch length {
            case ..<8: ["header length", "at least 8 bytes"]
            case ..<headerEnd: ["header length", "the file size minus 8"]
            default: ["data_offsets", "within the"]
            }
            assertThrows(.malformed, mentioning: [path] + mentions) { () throws(SafeTensorsError) in
                try SafeTensorsFile.decode(Array(bytes.prefix(length)), path: path)
            }
        }
    }

    func testRejectsTrailingBytesAfterTheData() throws {
        let bytes = try validFile() + [0]
        assertThrows(.malformed, mentioning: ["data buffer", "1 trailing bytes"]) { () throws(SafeTensorsError) in
            try SafeTensorsFile.decode(bytes, path: path)
        }
    }

    /// Flips, overwrites and truncates bytes of a valid file at random
    /// (seeded) positions: the decoder must return a self-consistent archive
    /// or throw a malformed error, and never trap.
    func testRandomCorruptionIsEitherRejectedOrConsistent() throws {
        let original = try validFile()
        let headerEnd = 8 + Int(original[0]) + Int(original[1]) << 8
        var generator = SplitMix64(seed: 0x5AFE_7E45)
        var accepted = 0
        var rejected = 0
        for _ in 0..<5000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                // Most mutations hit the header, where the checks are.
                let position = Bool.random(using: &generator) || headerEnd >= bytes.count
                    ? Int.random(in: 0..<min(headerEnd, bytes.count), using: &generator)
                    : Int.random(in: headerEnd..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
                case 1: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 2: bytes[position] = Array("{}[],:\"0123456789-.e ".utf8).randomElement(using: &generator) ?? 0
                default: bytes.removeSubrange(position...)
                }
                if bytes.isEmpty { break }
            }
            do {
                let archive = try SafeTensorsFile.decode(bytes, path: path)
                accepted += 1
                var end = 0
                for tensor in archive.tensors {
                    XCTAssertEqual(tensor.dataOffsets.lowerBound, end)
                    XCTAssertEqual(tensor.dtype.byteCount(shape: tensor.shape), tensor.byteCount)
                    XCTAssertEqual(try archive.rawBytes(tensor.name).count, tensor.byteCount)
                    end = tensor.dataOffsets.upperBound
                }
                XCTAssertEqual(archive.dataStart + end, bytes.count)
            } catch {
                rejected += 1
                XCTAssertEqual(error.kind, .malformed, "\(error)")
            }
        }
        // Both outcomes must actually occur for the test to mean anything.
        XCTAssertGreaterThan(accepted, 100)
        XCTAssertGreaterThan(rejected, 1000)
    }
}
