import MNISTData
import XCTest

final class DataErrorTests: XCTestCase {
    func testDescriptionIsOneLineNamingSourceExpectedAndFound() {
        let error = DataError(
            kind: .malformedData, source: "data/mnist/train-images-idx3-ubyte.gz",
            expected: "IDX magic 0x00 0x00 in bytes 0-1", found: "0x1f 0x8c")
        XCTAssertEqual(
            error.description,
            "data/mnist/train-images-idx3-ubyte.gz: expected IDX magic 0x00 0x00 in bytes 0-1, found 0x1f 0x8c")
        XCTAssertFalse(error.description.contains("\n"))
    }

    func testKindsAreDistinct() {
        let kinds: [DataError.Kind] = [.missingInput, .malformedData, .ioError, .invalidArgument]
        for (i, a) in kinds.enumerated() {
            for (j, b) in kinds.enumerated() {
                XCTAssertEqual(a == b, i == j)
            }
        }
    }
}
