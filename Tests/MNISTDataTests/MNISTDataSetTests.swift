import MNISTData
import XCTest

final class MNISTDataSetTests: XCTestCase {
    func testSplitsOfOneSizeAreAccepted() throws {
        let a = try ImageSet(rows: 2, columns: 2, pixels: Array(repeating: 1, count: 8), labels: [3, 4])
        let b = try ImageSet(rows: 2, columns: 2, pixels: [], labels: [])
        let set = try MNISTDataSet(train: a, validation: b, test: a)
        XCTAssertEqual(set.train.labels, [3, 4])
        XCTAssertEqual(set.validation.count, 0)
        XCTAssertEqual(MNISTDataSet.defaultValidationSize, 5_000)
    }

    func testSplitsOfDifferentSizesAreRejected() throws {
        let square = try ImageSet(rows: 2, columns: 2, pixels: [1, 2, 3, 4], labels: [0])
        let wide = try ImageSet(rows: 1, columns: 4, pixels: [1, 2, 3, 4], labels: [0])
        assertDataError(.invalidArgument, mentioning: ["test images of 2 × 2", "found 1 × 4"]) {
            try MNISTDataSet(train: square, validation: square, test: wide)
        }
    }
}
