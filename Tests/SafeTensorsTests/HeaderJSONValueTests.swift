import XCTest
@testable import SafeTensors

final class HeaderJSONValueTests: XCTestCase {
    func testSummariesNameTheTypeAndScalarValue() {
        XCTAssertEqual(HeaderJSONValue.object([]).summary, "an object")
        XCTAssertEqual(HeaderJSONValue.array([.null, .null]).summary, "an array of 2")
        XCTAssertEqual(HeaderJSONValue.string("F32").summary, "string \"F32\"")
        XCTAssertEqual(HeaderJSONValue.number("-1.5").summary, "number -1.5")
        XCTAssertEqual(HeaderJSONValue.bool(true).summary, "true")
        XCTAssertEqual(HeaderJSONValue.null.summary, "null")
    }

    func testEqualityComparesObjectMembersInOrder() {
        let ab: HeaderJSONValue = .object([("a", .null), ("b", .null)])
        let ba: HeaderJSONValue = .object([("b", .null), ("a", .null)])
        XCTAssertEqual(ab, ab)
        XCTAssertNotEqual(ab, ba)
        XCTAssertNotEqual(HeaderJSONValue.number("1"), .number("1.0"))
    }
}

extension HeaderJSONValueTests {
    func testSummariesShortenLongText() {
        let long = String(repeating: "x", count: 1000)
        XCTAssertEqual(HeaderJSONValue.string(long).summary, "string \"\(String(repeating: "x", count: 40))…\"")
        XCTAssertEqual(HeaderJSONValue.number(String(repeating: "9", count: 50)).summary.count, "number ".count + 41)
    }
}
