import MNISTData
import XCTest

final class IDXArrayEncodingTests: XCTestCase {
    func testHeaderAndBigEndianPayloadBytes() throws {
        let array = try IDXArray(dimensions: [2, 1], elements: .int16([0x0102, -2]))
        XCTAssertEqual(array.encoded(), [0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0x01, 0x02, 0xFF, 0xFE])
    }

    func testEveryElementTypeEncodesBigEndian() throws {
        let cases: [(IDXElements, [UInt8])] = [
            (.uint8([0xAB]), [0xAB]),
            (.int8([-1]), [0xFF]),
            (.int16([-0x1234]), [0xED, 0xCC]),
            (.int32([0x0102_0304]), [0x01, 0x02, 0x03, 0x04]),
            (.float32([1]), [0x3F, 0x80, 0x00, 0x00]),
            (.float64([-2]), [0xC0, 0x00, 0, 0, 0, 0, 0, 0]),
        ]
        for (elements, payload) in cases {
            let array = try IDXArray(dimensions: [1], elements: elements)
            XCTAssertEqual(
                array.encoded(), [0, 0, elements.elementType.rawValue, 1, 0, 0, 0, 1] + payload,
                "\(elements.elementType)")
        }
    }

    func testLargeDimensionIsWrittenInFourBytes() throws {
        let array = try IDXArray(dimensions: [1, 0x0001_0203], elements: .uint8(Array(repeating: 9, count: 0x0001_0203)))
        XCTAssertEqual(Array(array.encoded()[4..<12]), [0, 0, 0, 1, 0x00, 0x01, 0x02, 0x03])
    }
}
