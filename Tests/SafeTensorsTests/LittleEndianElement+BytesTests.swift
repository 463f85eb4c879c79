import XCTest
@testable import SafeTensors

final class LittleEndianElementBytesTests: XCTestCase {
    func testFloatsAreStoredLeastSignificantByteFirst() {
        // 1.0f is 0x3F800000 and -2.0f is 0xC0000000 in IEEE 754 binary32.
        XCTAssertEqual(Float.littleEndianBytes(of: [1.0, -2.0]), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        XCTAssertEqual(Float.littleEndianBytesElementwise(of: [1.0, -2.0]), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    func testIntegersAreStoredLeastSignificantByteFirst() {
        XCTAssertEqual(Int32.littleEndianBytes(of: [0x0102_0304, -1]), [4, 3, 2, 1, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(Int64.littleEndianBytes(of: [0x0102_0304_0506_0708]), [8, 7, 6, 5, 4, 3, 2, 1])
        // 1.0 is 0x3FF0000000000000 in binary64.
        XCTAssertEqual(Double.littleEndianBytes(of: [1.0]), [0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    }

    func testBulkAndElementwisePathsAgreeBitForBit() {
        var generator = SplitMix64(seed: 7)
        let floats = (0..<257).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())) } + awkwardFloats
        let floatBytes = Float.littleEndianBytes(of: floats)
        XCTAssertEqual(floatBytes, Float.littleEndianBytesElementwise(of: floats))
        floatBytes.withUnsafeBytes { raw in
            XCTAssertEqual(bitPatterns(Float.elements(fromLittleEndian: raw)), bitPatterns(floats))
            XCTAssertEqual(bitPatterns(Float.elementsElementwise(fromLittleEndian: raw)), bitPatterns(floats))
        }

        let doubles = (0..<33).map { _ in Double(bitPattern: generator.next()) } + awkwardDoubles
        let doubleBytes = Double.littleEndianBytes(of: doubles)
        XCTAssertEqual(doubleBytes, Double.littleEndianBytesElementwise(of: doubles))
        doubleBytes.withUnsafeBytes { raw in
            XCTAssertEqual(bitPatterns(Double.elements(fromLittleEndian: raw)), bitPatterns(doubles))
            XCTAssertEqual(bitPatterns(Double.elementsElementwise(fromLittleEndian: raw)), bitPatterns(doubles))
        }
    }

    func testDecodingReadsFromUnalignedBuffers() {
        let values: [Int32] = [1, -2, 300_000]
        let bytes = [0xAA] + Int32.littleEndianBytes(of: values)
        bytes.withUnsafeBytes { raw in
            let unaligned = UnsafeRawBufferPointer(rebasing: raw[1...])
            XCTAssertEqual(Int32.elements(fromLittleEndian: unaligned), values)
            XCTAssertEqual(Int32.elementsElementwise(fromLittleEndian: unaligned), values)
        }
    }

    func testEmptyArraysGiveEmptyBytes() {
        XCTAssertEqual(Float.littleEndianBytes(of: []), [])
        [UInt8]().withUnsafeBytes { raw in
            XCTAssertEqual(Float.elements(fromLittleEndian: raw).count, 0)
        }
    }
}
