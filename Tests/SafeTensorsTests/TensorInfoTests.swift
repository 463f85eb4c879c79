import XCTest
@testable import SafeTensors

final class TensorInfoTests: XCTestCase {
    func testCountsFollowFromOffsetsAndDType() {
        let info = TensorInfo(name: "W", dtype: .f32, shape: [10, 1024], dataOffsets: 64..<(64 + 40960))
        XCTAssertEqual(info.byteCount, 40960)
        XCTAssertEqual(info.elementCount, 10240)

        let scalar = TensorInfo(name: "s", dtype: .f64, shape: [], dataOffsets: 0..<8)
        XCTAssertEqual(scalar.elementCount, 1)
        let empty = TensorInfo(name: "e", dtype: .i16, shape: [0, 3], dataOffsets: 8..<8)
        XCTAssertEqual(empty.elementCount, 0)
    }
}
