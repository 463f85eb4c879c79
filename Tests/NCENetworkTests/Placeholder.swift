import XCTest

final class NCENetworkTestsPlaceholder: XCTestCase {
    func testBuilds() { XCTAssertTrue(true) }
}
