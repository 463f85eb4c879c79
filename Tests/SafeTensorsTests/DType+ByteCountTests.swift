import XCTest
@testable import SafeTensors

final class DTypeByteCountTests: XCTestCase {
    func testByteCountMultipliesShapeAndElementSize() {
        XCTAssertEqual(DType.f32.byteCount(shape: [1024, 784]), 1024 * 784 * 4)
        XCTAssertEqual(DType.f64.byteCount(shape: []), 8, "a scalar holds one element")
        XCTAssertEqual(DType.i16.byteCount(shape: [3, 0, 5]), 0)
    }

    func testByteCountRejectsNegativeDimensionsAndOverflow() {
        XCTAssertNil(DType.u8.byteCount(shape: [2, -1]))
        XCTAssertNil(DType.u8.byteCount(shape: [Int.max, 2]))
        XCTAssertNil(DType.f64.byteCount(shape: [Int.max / 4]), "elements fit, bytes do not")
        XCTAssertEqual(DType.u8.byteCount(shape: [Int.max]), Int.max)
    }
}
