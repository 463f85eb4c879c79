import MNISTData
import XCTest

final class ImageSetTests: XCTestCase {
    func testValidSplitExposesShapeAndCounts() throws {
        let set = try ImageSet(rows: 2, columns: 3, pixels: Array(0..<18), labels: [9, 0, 9])
        XCTAssertEqual(set.count, 3)
        XCTAssertEqual(set.rows, 2)
        XCTAssertEqual(set.columns, 3)
        XCTAssertEqual(set.pixelsPerImage, 6)
        XCTAssertEqual(set.labelCounts(), [1, 0, 0, 0, 0, 0, 0, 0, 0, 2])
    }

    func testEmptySplitIsAllowed() throws {
        let set = try ImageSet(rows: 28, columns: 28, pixels: [], labels: [])
        XCTAssertEqual(set.count, 0)
        XCTAssertEqual(set.labelCounts(), Array(repeating: 0, count: 10))
    }

    func testPixelCountMustMatchLabels() {
        assertDataError(.invalidArgument, mentioning: ["2 images × 2 × 2 pixels", "found 7 pixels"]) {
            try ImageSet(rows: 2, columns: 2, pixels: Array(repeating: 0, count: 7), labels: [1, 2])
        }
    }

    func testLabelTenIsRejectedWithItsIndex() {
        assertDataError(.invalidArgument, mentioning: ["labels 0...9", "found 10 at index 2"]) {
            try ImageSet(rows: 1, columns: 1, pixels: [0, 0, 0, 0], labels: [0, 9, 10, 11])
        }
    }

    func testNonPositiveSizeIsRejected() {
        assertDataError(.invalidArgument, mentioning: ["rows and columns at least 1", "found 0 × 5"]) {
            try ImageSet(rows: 0, columns: 5, pixels: [], labels: [])
        }
    }
}
