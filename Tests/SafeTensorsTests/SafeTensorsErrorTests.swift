import XCTest
@testable import SafeTensors

final class SafeTensorsErrorTests: XCTestCase {
    func testDescriptionSaysWhereWhatWasExpectedAndWhatWasFound() {
        let error = SafeTensorsError(
            kind: .malformed, path: "ckpt/model.safetensors", location: "tensor \"W1\", field \"shape\"",
            expected: "[10, 1024]", found: "[1024, 10]")
        XCTAssertEqual(
            error.description,
            "ckpt/model.safetensors: tensor \"W1\", field \"shape\": expected [10, 1024], found [1024, 10]")
    }

    func testKindsMapToSysexitsCodes() {
        XCTAssertEqual(SafeTensorsError.Kind.missingFile.exitCode, 66)  // EX_NOINPUT
        XCTAssertEqual(SafeTensorsError.Kind.malformed.exitCode, 65)  // EX_DATAERR
        XCTAssertEqual(SafeTensorsError.Kind.invalidInput.exitCode, 65)
        XCTAssertEqual(SafeTensorsError.Kind.cannotCreate.exitCode, 73)  // EX_CANTCREAT
        XCTAssertEqual(SafeTensorsError.Kind.io.exitCode, 74)  // EX_IOERR
    }
}
