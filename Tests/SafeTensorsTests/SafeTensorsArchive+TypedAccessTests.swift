import XCTest
@testable import SafeTensors

final class SafeTensorsArchiveTypedAccessTests: XCTestCase {
    private func archive() throws -> SafeTensorsArchive {
        let bytes = try SafeTensorsFile.encode(
            [
                TensorRecord(name: "W", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]),
                TensorRecord(name: "steps", shape: [1], int64s: [9]),
            ],
            metadata: [:])
        return try SafeTensorsFile.decode(bytes, path: "ckpt.safetensors")
    }

    func testTypedAccessorsReturnValuesAndCheckShape() throws {
        let archive = try archive()
        XCTAssertEqual(try archive.floats("W", shape: [2, 3]).map(\.bitPattern), [1, 2, 3, 4, 5, 6].map { Float($0).bitPattern })
        XCTAssertEqual(try archive.int64s("steps"), [9])
        XCTAssertEqual(try archive.tensor("W").shape, [2, 3])
    }

    func testMissingNamesListTheNamesThatExist() throws {
        let archive = try archive()
        assertThrows(.malformed, mentioning: ["ckpt.safetensors", "tensor \"W1\"", "the file has 2", "\"W\", \"steps\"", "found none"]) {
            () throws(SafeTensorsError) in try archive.floats("W1")
        }
    }

    func testWrongDTypeOrShapeIsReported() throws {
        let archive = try archive()
        assertThrows(.malformed, mentioning: ["tensor \"W\", field \"dtype\"", "expected F64 (read as [Double])", "found F32"]) {
            () throws(SafeTensorsError) in try archive.doubles("W")
        }
        assertThrows(.malformed, mentioning: ["tensor \"steps\", field \"dtype\"", "I32", "found I64"]) {
            () throws(SafeTensorsError) in try archive.int32s("steps")
        }
        assertThrows(.malformed, mentioning: ["tensor \"W\", field \"shape\"", "expected [3, 2]", "found [2, 3]"]) {
            () throws(SafeTensorsError) in try archive.floats("W", shape: [3, 2])
        }
        assertThrows(.malformed, mentioning: ["U8"]) { () throws(SafeTensorsError) in try archive.uint8s("W") }
    }
}
