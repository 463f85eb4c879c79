import XCTest
@testable import SafeTensors

final class SafeTensorsArchiveTests: XCTestCase {
    func testNamesFollowDataOrderAndLookupsFindEveryTensor() throws {
        let header = #"{"second":{"dtype":"U8","shape":[1],"data_offsets":[2,3]},"#
            + #""first":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#
        let archive = try SafeTensorsFile.decode(fileBytes(header: header, dataSize: 3), path: "p")
        XCTAssertEqual(archive.names, ["first", "second"])
        XCTAssertTrue(archive.contains("second"))
        XCTAssertFalse(archive.contains("third"))
        XCTAssertEqual(try archive.rawBytes("first"), [0, 1])
        XCTAssertEqual(try archive.rawBytes("second"), [2])
    }
}
