import XCTest
@testable import SafeTensors

final class DTypeTests: XCTestCase {
    func testByteSizesMatchTheSafetensorsSpecification() {
        let expected: [String: Int] = [
            "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
            "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
            "I32": 4, "U32": 4, "F32": 4,
            "F64": 8, "I64": 8, "U64": 8,
        ]
        XCTAssertEqual(DType.allCases.count, expected.count)
        for (name, size) in expected {
            XCTAssertEqual(DType(rawValue: name)?.byteSize, size, name)
        }
        XCTAssertNil(DType(rawValue: "f32"), "dtype names are case-sensitive")
    }
}
