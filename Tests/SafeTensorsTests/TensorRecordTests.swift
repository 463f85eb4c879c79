import XCTest
@testable import SafeTensors

final class TensorRecordTests: XCTestCase {
    func testTypedInitialisersSetDTypeAndLittleEndianData() {
        let floats = TensorRecord(name: "w", shape: [2], floats: [1.0, -2.0])
        XCTAssertEqual(floats.dtype, .f32)
        XCTAssertEqual(floats.shape, [2])
        XCTAssertEqual(floats.data, [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])

        XCTAssertEqual(TensorRecord(name: "d", shape: [], doubles: [1.0]).dtype, .f64)
        XCTAssertEqual(TensorRecord(name: "i", shape: [1], int32s: [258]).data, [2, 1, 0, 0])
        XCTAssertEqual(TensorRecord(name: "l", shape: [1], int64s: [-1]).data, [UInt8](repeating: 0xFF, count: 8))
        XCTAssertEqual(TensorRecord(name: "b", shape: [3], uint8s: [9, 8, 7]).data, [9, 8, 7])
        XCTAssertEqual(TensorRecord(name: "b", shape: [3], uint8s: [9, 8, 7]).dtype, .u8)
    }

    func testRawInitialiserKeepsBytesAsGiven() {
        let record = TensorRecord(name: "h", dtype: .f16, shape: [2], data: [0x00, 0x3C, 0x00, 0xC0])
        XCTAssertEqual(record.dtype, .f16)
        XCTAssertEqual(record.data, [0x00, 0x3C, 0x00, 0xC0])
    }
}
