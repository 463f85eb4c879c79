import XCTest
@testable import SafeTensors

final class HeaderJSONParserTests: XCTestCase {
    private func parse(_ text: String) throws(HeaderJSONSyntaxError) -> HeaderJSONValue {
        try HeaderJSONParser.parse(Array(text.utf8))
    }

    private func assertRejects(
        _ bytes: [UInt8], at offset: Int, file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let value = try HeaderJSONParser.parse(bytes)
            XCTFail("accepted \(value)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.offset, offset, "\(error)", file: file, line: line)
            XCTAssertFalse(error.expected.isEmpty, file: file, line: line)
        }
    }

    private func assertRejects(_ text: String, at offset: Int, file: StaticString = #filePath, line: UInt = #line) {
        assertRejects(Array(text.utf8), at: offset, file: file, line: line)
    }

    func testParsesNestedValuesKeepingMemberOrderAndNumberText() throws {
        let value = try parse(#" {"b":[1,-2.5e3,0],"a":{"t":true,"f":false,"n":null},"s":"x"}  "#)
        let expected: HeaderJSONValue = .object([
            ("b", .array([.number("1"), .number("-2.5e3"), .number("0")])),
            ("a", .object([("t", .bool(true)), ("f", .bool(false)), ("n", .null)])),
            ("s", .string("x")),
        ])
        XCTAssertEqual(value, expected)
    }

    func testKeepsDuplicateKeysForTheValidator() throws {
        XCTAssertEqual(try parse(#"{"a":1,"a":2}"#), .object([("a", .number("1")), ("a", .number("2"))]))
    }

    func testDecodesEscapesIncludingSurrogatePairs() throws {
        let value = try parse(#""q\" b\\ s\/ \b\f\n\r\t \u00e9 \ud83d\ude00 é""#)
        XCTAssertEqual(value, .string("q\" b\\ s/ \u{8}\u{C}\n\r\t é 😀 é"))
    }

    func testRejectsMalformedDocumentsAtTheRightByte() {
        assertRejects("", at: 0)
        assertRejects("   ", at: 3)
        assertRejects("{", at: 1)
        assertRejects(#"{"a":1,}"#, at: 7)
        assertRejects("[1,]", at: 3)
        assertRejects(#"{"a" 1}"#, at: 5)
        assertRejects("{a:1}", at: 1)
        assertRejects("01", at: 1)
        assertRejects("-", at: 1)
        assertRejects("1.", at: 2)
        assertRejects("1e", at: 2)
        assertRejects("+1", at: 0)
        assertRejects("tru", at: 3)
        assertRejects("nul1", at: 3)
        assertRejects("{} {}", at: 3)
        assertRejects("{}\0", at: 2)
        assertRejects(#""abc"#, at: 4)
        assertRejects("\"a\u{1}b\"", at: 2)
        assertRejects(#""\x""#, at: 2)
        assertRejects(#""\u12G4""#, at: 5)
        assertRejects(#""\ud83d""#, at: 7)
        assertRejects(#""\ud83dx""#, at: 7)
        assertRejects(#""\ud83d\u0041""#, at: 9)
        assertRejects(#""\ude00""#, at: 3)
    }

    func testRejectsInvalidUTF8InsideAndOutsideStrings() {
        assertRejects([0x22, 0x61, 0xC3, 0x28, 0x22], at: 0)
        assertRejects([0x22, 0xED, 0xA0, 0x80, 0x22], at: 0)  // an encoded surrogate
        assertRejects([0x5B, 0xC3, 0xA9, 0x5D], at: 1)
    }

    func testLimitsNestingDepthInsteadOfExhaustingTheStack() throws {
        let limit = HeaderJSONParser.maximumDepth
        XCTAssertNoThrow(try parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit)))
        assertRejects(String(repeating: "[", count: 100_000), at: limit)
    }
}
