@testable import MNISTData
import XCTest

final class ImageSetSplittingTests: XCTestCase {
    func testSplitKeepsOrderAndShape() throws {
        let set = try ImageSet(rows: 1, columns: 2, pixels: [10, 11, 20, 21, 30, 31], labels: [1, 2, 3])
        let (head, rest) = set.split(at: 1)
        XCTAssertEqual(head.pixels, [10, 11])
        XCTAssertEqual(head.labels, [1])
        XCTAssertEqual(rest.pixels, [20, 21, 30, 31])
        XCTAssertEqual(rest.labels, [2, 3])
        XCTAssertEqual([head.count, rest.count], [1, 2])
        XCTAssertEqual([head.rows, head.columns, rest.rows, rest.columns], [1, 2, 1, 2])
    }

    func testSplitAtEitherEnd() throws {
        let set = try ImageSet(rows: 1, columns: 1, pixels: [5, 6], labels: [0, 1])
        XCTAssertEqual(set.split(at: 0).0.count, 0)
        XCTAssertEqual(set.split(at: 0).1, set)
        XCTAssertEqual(set.split(at: 2).0, set)
        XCTAssertEqual(set.split(at: 2).1.count, 0)
    }
}
