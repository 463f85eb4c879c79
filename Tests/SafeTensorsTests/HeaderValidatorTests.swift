import XCTest
@testable import SafeTensors

/// Header-level checks, exercised through ``SafeTensorsFile/decode(_:path:)``
/// on hand-written headers.
final class HeaderValidatorTests: XCTestCase {
    private let path = "fixture.safetensors"

    private func decode(_ header: String, dataSize: Int) throws(SafeTensorsError) -> SafeTensorsArchive {
        try SafeTensorsFile.decode(fileBytes(header: header, dataSize: dataSize), path: path)
    }

    private func assertMalformed(
        _ header: String, dataSize: Int, mentioning mentions: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        assertThrows(.malformed, mentioning: [path] + mentions, file: file, line: line) {
            () throws(SafeTensorsError) in try decode(header, dataSize: dataSize)
        }
    }

    func testAcceptsAWellFormedHeaderWithMetadataAndPadding() throws {
        let header = #"{"__metadata__":{"seed":"42","loss":"nce"},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},"#
            + #""a":{"data_offsets":[0,12],"shape":[3],"dtype":"I32"}}    "#
        let archive = try decode(header, dataSize: 20)
        XCTAssertEqual(archive.metadata, ["seed": "42", "loss": "nce"])
        XCTAssertEqual(archive.names, ["a", "b"], "tensors come in data order")
        XCTAssertEqual(archive.tensors[0], TensorInfo(name: "a", dtype: .i32, shape: [3], dataOffsets: 0..<12))
        XCTAssertEqual(archive.tensors[1], TensorInfo(name: "b", dtype: .f32, shape: [2], dataOffsets: 12..<20))
    }

    func testAcceptsEmptyHeaderObjectAndEmptyTensors() throws {
        XCTAssertEqual(try decode("{}", dataSize: 0).tensors, [])
        let archive = try decode(
            #"{"z":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"s":{"dtype":"F64","shape":[],"data_offsets":[0,8]}}"#,
            dataSize: 8)
        XCTAssertEqual(archive.names, ["z", "s"])
        XCTAssertEqual(archive.tensors[1].elementCount, 1)
    }

    func testRejectsHeadersThatAreNotJSONObjects() {
        assertMalformed("<json/>", dataSize: 0, mentioning: ["header JSON at file byte 8", "a JSON value"])
        assertMalformed(#"{"a":{"dtype":"F32""#, dataSize: 0, mentioning: ["header JSON", "end of header"])
        assertMalformed("[1,2]", dataSize: 0, mentioning: ["header", "a JSON object", "an array of 2"])
        assertMalformed(#""text""#, dataSize: 0, mentioning: ["a JSON object", "string \"text\""])
    }

    func testRejectsUnknownDType() {
        assertMalformed(
            #"{"w":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, dataSize: 4,
            mentioning: [#"tensor "w", field "dtype""#, "one of", "F32", #"string "F33""#])
        assertMalformed(
            #"{"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}"#, dataSize: 4,
            mentioning: [#"field "dtype""#, "a dtype string", "number 4"])
    }

    func testRejectsShapeThatDoesNotMatchOffsets() {
        assertMalformed(
            #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, dataSize: 20,
            mentioning: [#"tensor "w", field "data_offsets""#, "24 bytes for shape [2, 3] of F32", "[0, 20], 20 bytes"])
    }

    func testRejectsNegativeFractionalAndHugeNumbers() {
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}"#, dataSize: 0,
            mentioning: [#"field "shape", item 0"#, "a non-negative integer", "number -1"])
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":[2.0],"data_offsets":[0,2]}}"#, dataSize: 2,
            mentioning: ["a non-negative integer", "number 2.0"])
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":[2],"data_offsets":[0,2e0]}}"#, dataSize: 2,
            mentioning: [#"field "data_offsets", item 1"#, "number 2e0"])
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":[2],"data_offsets":[-0,2]}}"#, dataSize: 2,
            mentioning: ["number -0"])
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":[99999999999999999999],"data_offsets":[0,2]}}"#, dataSize: 2,
            mentioning: ["an integer at most \(Int.max)"])
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":["2"],"data_offsets":[0,2]}}"#, dataSize: 2,
            mentioning: [#"string "2""#])
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":2,"data_offsets":[0,2]}}"#, dataSize: 2,
            mentioning: ["an array of non-negative integers", "number 2"])
    }

    func testRejectsShapesWhoseByteCountOverflows() {
        assertMalformed(
            #"{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#, dataSize: 0,
            mentioning: [#"field "shape""#, "fits in 64 bits"])
    }

    func testRejectsMalformedOffsets() {
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":[2],"data_offsets":[0,2,4]}}"#, dataSize: 4,
            mentioning: ["an array of 2 non-negative integers", "an array of 3"])
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":[0],"data_offsets":[3,1]}}"#, dataSize: 4,
            mentioning: ["begin <= end", "[3, 1]"])
        assertMalformed(
            #"{"w":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#, dataSize: 4,
            mentioning: ["within the 4-byte data buffer", "[2, 6]"])
    }

    func testRejectsOverlapsHolesAndTrailingBytes() {
        assertMalformed(
            #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#,
            dataSize: 6, mentioning: [#"tensor "b""#, "byte 4", #"after tensor "a""#, "overlapping it by 2 bytes"])
        assertMalformed(
            #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[6,8]}}"#,
            dataSize: 8, mentioning: [#"tensor "b""#, "byte 4", "hole of 2 bytes"])
        assertMalformed(
            #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[1,5]}}"#,
            dataSize: 5, mentioning: [#"tensor "a""#, "byte 0", "at the start of the data", "hole of 1 bytes"])
        assertMalformed(
            #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#,
            dataSize: 7, mentioning: ["data buffer", "all 7 bytes", "3 trailing bytes"])
        assertMalformed("{}", dataSize: 1, mentioning: ["1 trailing bytes"])
    }

    func testRejectsBadNamesAndFields() {
        assertMalformed(
            #"{"":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}"#, dataSize: 0,
            mentioning: ["tensor name", "non-empty"])
        assertMalformed(
            #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#,
            dataSize: 2, mentioning: [#"tensor "a""#, "a unique name"])
        assertMalformed(
            #"{"a":{"dtype":"U8","shape":[1]}}"#, dataSize: 1,
            mentioning: [#"tensor "a", field "data_offsets""#, "found none"])
        assertMalformed(
            #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":1}}"#, dataSize: 1,
            mentioning: [#"field "extra""#, "an unknown field"])
        assertMalformed(
            #"{"a":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, dataSize: 1,
            mentioning: [#"field "dtype""#, "given once"])
        assertMalformed(#"{"a":[1]}"#, dataSize: 0, mentioning: [#"tensor "a""#, "an array of 1"])
        assertMalformed(
            "{\"a\\nb\":{\"dtype\":\"X\",\"shape\":[],\"data_offsets\":[0,0]}}", dataSize: 0,
            mentioning: [#"tensor "a\nb""#])
    }

    func testRejectsMetadataThatIsNotAnObjectOfStrings() {
        assertMalformed(
            #"{"__metadata__":{"epoch":3}}"#, dataSize: 0,
            mentioning: [#""__metadata__", key "epoch""#, "a string value", "number 3"])
        assertMalformed(#"{"__metadata__":["a"]}"#, dataSize: 0, mentioning: ["an object of strings"])
        assertMalformed(#"{"__metadata__":null}"#, dataSize: 0, mentioning: ["an object of strings", "null"])
        assertMalformed(#"{"__metadata__":{},"__metadata__":{}}"#, dataSize: 0, mentioning: ["at most one"])
        assertMalformed(#"{"__metadata__":{"k":"1","k":"2"}}"#, dataSize: 0, mentioning: [#"key "k""#, "a unique key"])
    }
}
