import MNISTData
import XCTest

final class IDXElementsTests: XCTestCase {
    func testElementTypeAndCountFollowTheCase() {
        let cases: [(IDXElements, IDXElementType, Int)] = [
            (.uint8([1, 2, 3]), .uint8, 3),
            (.int8([-1]), .int8, 1),
            (.int16([1, 2]), .int16, 2),
            (.int32([]), .int32, 0),
            (.float32([1, 2, 3, 4]), .float32, 4),
            (.float64([0.5]), .float64, 1),
        ]
        for (elements, type, count) in cases {
            XCTAssertEqual(elements.elementType, type)
            XCTAssertEqual(elements.count, count)
        }
    }
}
