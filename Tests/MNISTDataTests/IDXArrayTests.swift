import MNISTData
import XCTest

final class IDXArrayTests: XCTestCase {
    func testAcceptsConsistentShapeAndExposesTypedValues() throws {
        let array = try IDXArray(dimensions: [2, 3], elements: .int16([1, -2, 3, -4, 5, -6]))
        XCTAssertEqual(array.rank, 2)
        XCTAssertEqual(array.count, 6)
        XCTAssertEqual(array.elementType, .int16)
        XCTAssertEqual(array.int16Values, [1, -2, 3, -4, 5, -6])
        XCTAssertNil(array.uint8Values)
        XCTAssertNil(array.int8Values)
        XCTAssertNil(array.int32Values)
        XCTAssertNil(array.float32Values)
        XCTAssertNil(array.float64Values)
    }

    func testRejectsEmptyDimensions() {
        assertDataError(.invalidArgument, mentioning: ["1 to 255 dimensions", "found 0"]) {
            try IDXArray(dimensions: [], elements: .uint8([]))
        }
    }

    func testRejectsMoreThan255Dimensions() {
        assertDataError(.invalidArgument, mentioning: ["found 256"]) {
            try IDXArray(dimensions: Array(repeating: 1, count: 256), elements: .uint8([7]))
        }
    }

    func testRejectsZeroDimension() {
        assertDataError(.invalidArgument, mentioning: ["dimension 1", "found 0"]) {
            try IDXArray(dimensions: [3, 0], elements: .uint8([]))
        }
    }

    func testRejectsDimensionAboveUInt32() {
        assertDataError(.invalidArgument, mentioning: ["dimension 0", "4294967296"]) {
            try IDXArray(dimensions: [1 << 32], elements: .uint8([]))
        }
    }

    func testRejectsCountMismatch() {
        assertDataError(.invalidArgument, mentioning: ["6 elements", "found 5"]) {
            try IDXArray(dimensions: [2, 3], elements: .float32([1, 2, 3, 4, 5]))
        }
    }
}
