import XCTest

final class MNISTNCECommandTestsPlaceholder: XCTestCase {
    func testBuilds() { XCTAssertTrue(true) }
}
