import XCTest
@testable import SafeTensors

final class SafeTensorsFileEncodingTests: XCTestCase {
    private func littleEndian(_ value: Int) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    func testLaysOutLengthHeaderPaddingAndDataAsSpecified() throws {
        let bytes = try SafeTensorsFile.encode(
            [
                TensorRecord(name: "a", shape: [2], uint8s: [1, 2]),
                TensorRecord(name: "b", shape: [1], int32s: [0x0102_0304]),
            ],
            metadata: ["k": "v"])
        let header = #"{"__metadata__":{"k":"v"},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"#
            + #""b":{"dtype":"I32","shape":[1],"data_offsets":[2,6]}}"#
        let padded = Array(header.utf8) + [UInt8](repeating: 0x20, count: (8 - header.utf8.count % 8) % 8)
        XCTAssertEqual(padded.count % 8, 0)
        XCTAssertEqual(bytes, littleEndian(padded.count) + padded + [1, 2, 4, 3, 2, 1])
    }

    func testOmitsEmptyMetadataAndKeepsTensorOrder() throws {
        let bytes = try SafeTensorsFile.encode(
            [TensorRecord(name: "z", shape: [0], floats: []), TensorRecord(name: "a", shape: [0], floats: [])],
            metadata: [:])
        let header = String(decoding: bytes[8...], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix(#"{"z":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":"#), header)
        XCTAssertFalse(header.contains("__metadata__"))
    }

    func testPadsEveryHeaderToAMultipleOfEightBytes() throws {
        for length in 1...16 {
            let name = String(repeating: "n", count: length)
            let bytes = try SafeTensorsFile.encode([TensorRecord(name: name, shape: [1], floats: [1])], metadata: [:])
            let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
            XCTAssertEqual(headerLength % 8, 0)
            XCTAssertEqual(bytes.count, 8 + headerLength + 4)
            let header = bytes[8..<(8 + headerLength)]
            let padding = header.reversed().prefix { $0 == 0x20 }.count
            XCTAssertLessThan(padding, 8)
            XCTAssertEqual(header[header.endIndex - padding - 1], UInt8(ascii: "}"), "only spaces follow the JSON")
            XCTAssertEqual(try SafeTensorsFile.decode(bytes, path: "p").names, [name])
        }
    }

    func testMetadataOrderDoesNotDependOnDictionaryOrder() throws {
        let keys = (0..<50).map { "key\($0)" }
        var forward: [String: String] = [:]
        for key in keys { forward[key] = "value of \(key)" }
        var backward: [String: String] = [:]
        for key in keys.reversed() { backward[key] = "value of \(key)" }
        let tensors = [TensorRecord(name: "w", shape: [2], floats: [1, 2])]
        let first = try SafeTensorsFile.encode(tensors, metadata: forward)
        XCTAssertEqual(first, try SafeTensorsFile.encode(tensors, metadata: backward))
        let header = String(decoding: first, as: UTF8.self)
        let positions = ["key0", "key1", "key10", "key2"].compactMap { header.range(of: "\"\($0)\"")?.lowerBound }
        XCTAssertEqual(positions, positions.sorted(), "keys are sorted by their UTF-8 bytes")
    }

    func testEscapesNamesAndMetadataSoTheyReadBackUnchanged() throws {
        let awkward = "quote\" back\\slash\nnew\ttab\u{1}ctl é 😀 /"
        let bytes = try SafeTensorsFile.encode(
            [TensorRecord(name: awkward, shape: [1], uint8s: [5])], metadata: [awkward: awkward, "": ""])
        let archive = try SafeTensorsFile.decode(bytes, path: "p")
        XCTAssertEqual(archive.names, [awkward])
        XCTAssertEqual(archive.metadata, [awkward: awkward, "": ""])
        XCTAssertEqual(try archive.uint8s(awkward), [5])
    }

    func testRejectsInconsistentRecords() {
        let good = TensorRecord(name: "w", shape: [1], floats: [1])
        assertThrows(.invalidInput, mentioning: ["out.st", "tensor name", "non-empty"]) { () throws(SafeTensorsError) in
            try SafeTensorsFile.encode([TensorRecord(name: "", shape: [1], floats: [1])], metadata: [:], path: "out.st")
        }
        assertThrows(.invalidInput, mentioning: ["other than \"__metadata__\""]) { () throws(SafeTensorsError) in
            try SafeTensorsFile.encode([TensorRecord(name: "__metadata__", shape: [1], floats: [1])], metadata: [:])
        }
        assertThrows(.invalidInput, mentioning: ["tensor \"w\"", "a unique name"]) { () throws(SafeTensorsError) in
            try SafeTensorsFile.encode([good, good], metadata: [:])
        }
        assertThrows(.invalidInput, mentioning: ["tensor \"w\", data", "12 bytes for shape [3] of F32", "found 8 bytes"]) {
            () throws(SafeTensorsError) in
            try SafeTensorsFile.encode([TensorRecord(name: "w", shape: [3], floats: [1, 2])], metadata: [:])
        }
        assertThrows(.invalidInput, mentioning: ["tensor \"w\", shape", "non-negative", "[-1]"]) {
            () throws(SafeTensorsError) in
            try SafeTensorsFile.encode([TensorRecord(name: "w", shape: [-1], floats: [])], metadata: [:])
        }
    }
}
