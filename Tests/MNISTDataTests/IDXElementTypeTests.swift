import MNISTData
import XCTest

final class IDXElementTypeTests: XCTestCase {
    func testTypeCodesAndWidthsFollowTheIDXFormat() {
        let expected: [(UInt8, Int)] = [(0x08, 1), (0x09, 1), (0x0B, 2), (0x0C, 4), (0x0D, 4), (0x0E, 8)]
        XCTAssertEqual(IDXElementType.allCases.map(\.rawValue), expected.map(\.0))
        XCTAssertEqual(IDXElementType.allCases.map(\.byteWidth), expected.map(\.1))
    }

    func testUnknownCodesAreNotTypes() {
        for code in [0x00, 0x07, 0x0A, 0x0F, 0xFF] as [UInt8] {
            XCTAssertNil(IDXElementType(rawValue: code))
        }
    }
}
