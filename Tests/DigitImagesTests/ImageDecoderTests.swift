@testable import DigitImages
import Foundation
import XCTest

/// Format detection by content, and reading files from disk.
final class ImageDecoderTests: XCTestCase {
    func testUnsupportedContentsAreNamed() {
        let cases: [([UInt8], String)] = [
            ([], "found an empty file"),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0, 16], "found a JPEG file"),
            (Array("GIF89a".utf8), "found a GIF file"),
            (Array("P6 1 1 255\n".utf8) + [1, 2, 3], "found a Netpbm P6 file, which is not a greyscale PGM"),
            ([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0], "found a damaged PNG signature"),
            (Array("hello, world".utf8), "found first bytes 0x68 0x65 0x6c 0x6c 0x6f 0x2c 0x20 0x77"),
        ]
        for (bytes, found) in cases {
            assertImageError(.malformedData, mentioning: ["x.png: expected a PNG or a greyscale PGM (P2 or P5) image", found]) {
                try ImageDecoder.decode(bytes, source: "x.png")
            }
        }
    }

    func testFormatIsToldByContentNotName() throws {
        let folder = try makeTemporaryDirectory(for: self)
        let path = folder + "/actually-a-pgm.png"
        try Data("P2 1 1 255 9".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try ImageFile.load(path: path).pixels, [9])
        let pngPath = folder + "/actually-a-png.pgm"
        try Data(try pngKind("grey8.png")).write(to: URL(fileURLWithPath: pngPath))
        XCTAssertEqual(try ImageFile.load(path: pngPath).pixels, fixturePattern())
    }

    func testMissingFileAndFolder() throws {
        let folder = try makeTemporaryDirectory(for: self)
        assertImageError(.missingInput, mentioning: [folder + "/absent.png: expected an existing file", "errno 2"]) {
            try ImageFile.load(path: folder + "/absent.png")
        }
        assertImageError(.missingInput, mentioning: ["expected a regular file, found a directory"]) {
            try ImageFile.load(path: folder)
        }
    }

    func testReadReturnsTheWholeFile() throws {
        let folder = try makeTemporaryDirectory(for: self)
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/data"))
        XCTAssertEqual(try ImageFile.read(path: folder + "/data"), bytes)
        try Data().write(to: URL(fileURLWithPath: folder + "/empty"))
        XCTAssertEqual(try ImageFile.read(path: folder + "/empty"), [])
    }
}
