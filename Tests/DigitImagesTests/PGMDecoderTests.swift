@testable import DigitImages
import XCTest

/// PGM reading: both encodings, maxval scaling, comments, and every way a
/// header or raster can be wrong; oversized images refused from the header.
final class PGMDecoderTests: XCTestCase {
    private func decode(_ text: String, raster: [UInt8] = []) throws -> GrayImage {
        try ImageDecoder.decode(Array(text.utf8) + raster, source: "test.pgm")
    }

    func testBinaryEightBit() throws {
        let image = try decode("P5\n3 2\n255\n", raster: [0, 10, 20, 30, 40, 255])
        XCTAssertEqual(image.width, 3)
        XCTAssertEqual(image.height, 2)
        XCTAssertEqual(image.pixels, [0, 10, 20, 30, 40, 255])
        XCTAssertNil(image.alpha)
    }

    func testBinarySixteenBitIsBigEndianAndRescaled() throws {
        // 0x0000, 0x8000, 0xFFFF at maxval 65535.
        let image = try decode("P5 3 1 65535\n", raster: [0x00, 0x00, 0x80, 0x00, 0xFF, 0xFF])
        XCTAssertEqual(image.pixels, [0, 128, 255])
    }

    func testPlainWithCommentsAndSmallMaxval() throws {
        let image = try decode("P2\n# a comment\n2 # width\n2\n# before maxval\n15\n0 15\n  8\t7\n")
        // Rounded: 8·255/15 = 136, 7·255/15 = 119.
        XCTAssertEqual(image.pixels, [0, 255, 136, 119])
    }

    func testMaxvalOneIsBlackAndWhite() throws {
        XCTAssertEqual(try decode("P2 2 1 1 0 1").pixels, [0, 255])
    }

    func testBinaryTrailingImagesAreIgnored() throws {
        let image = try decode("P5 1 1 255\n", raster: [7] + Array("P5 1 1 255\n".utf8) + [9])
        XCTAssertEqual(image.pixels, [7])
    }

    // MARK: Bad headers

    func testMissingFields() {
        assertImageError(.malformedData, mentioning: ["test.pgm: expected whitespace before the width, found the end of the file"]) {
            try decode("P5")
        }
        assertImageError(.malformedData, mentioning: ["expected the height as a decimal number", "\"x\" at byte 5"]) {
            try decode("P5 3 x 255\n")
        }
        assertImageError(.malformedData, mentioning: ["expected whitespace before the width", "\"3\" at byte 2"]) {
            try decode("P53 3 255\n")
        }
    }

    func testZeroSizeAndBadMaxval() {
        assertImageError(.malformedData, mentioning: ["at most 16384×16384", "found 0×3"]) { try decode("P5 0 3 255\n") }
        assertImageError(.malformedData, mentioning: ["expected a maxval of 1 to 65535, found 0"]) { try decode("P5 1 1 0\n") }
        assertImageError(.malformedData, mentioning: ["expected a maxval of 1 to 65535, found 70000"]) {
            try decode("P2 1 1 70000\n5\n")
        }
    }

    func testHugeDimensionsAreRefusedFromTheHeader() {
        // Each is refused before a pixel buffer exists: the raster is absent,
        // so any attempt to read it would report truncation instead.
        assertImageError(.malformedData, mentioning: ["expected an image of at most 16384×16384 pixels and 64 Mpixel", "found 16385×1"]) {
            try decode("P5 16385 1 255\n")
        }
        assertImageError(.malformedData, mentioning: ["found 16384×16384"]) { try decode("P5 16384 16384 255\n") }
        assertImageError(.malformedData, mentioning: ["found 9000×9000"]) { try decode("P2 9000 9000 255\n") }
        assertImageError(.malformedData, mentioning: ["the width of at most 10 digits", "found 20 digits"]) {
            try decode("P5 99999999999999999999 1 255\n")
        }
    }

    func testLargeButAllowedHeaderWithShortRasterIsRefusedBeforeAllocating() {
        // 8192 × 8192 = 64 Mpixel is within the limits, but the file cannot
        // hold it: both encodings check the length first.
        assertImageError(.malformedData, mentioning: ["expected 67108864 bytes of pixels after the header", "found 4"]) {
            try decode("P5 8192 8192 255\n", raster: [1, 2, 3, 4])
        }
        assertImageError(.malformedData, mentioning: ["expected 67108864 samples after the header", "only 8 bytes left"]) {
            try decode("P2 8192 8192 255\n1 2 3 4")
        }
    }

    // MARK: Bad rasters

    func testTruncatedBinaryRaster() {
        assertImageError(.malformedData, mentioning: ["expected 6 bytes of pixels", "found 5 (the file is truncated)"]) {
            try decode("P5 3 1 65535\n", raster: [0, 0, 0, 0, 0])
        }
    }

    func testNoWhitespaceAfterMaxval() {
        assertImageError(.malformedData, mentioning: ["one whitespace byte after the maxval", "the end of the file"]) {
            try decode("P5 1 1 255")
        }
    }

    func testSamplesAboveMaxval() {
        assertImageError(.malformedData, mentioning: ["samples of 0 to the maxval 100", "found 200 at pixel 1"]) {
            try decode("P5 2 1 100\n", raster: [5, 200])
        }
        assertImageError(.malformedData, mentioning: ["samples of 0 to the maxval 15", "found 16 at pixel 2"]) {
            try decode("P2 3 1 15\n1 2 16\n")
        }
    }

    func testPlainRasterWithBadOrMissingSamples() {
        assertImageError(.malformedData, mentioning: ["sample 1 as a decimal number", "\"a\""]) {
            try decode("P2 2 2 255\n1 a 3 4\n")
        }
        assertImageError(.malformedData, mentioning: ["sample 2 as a decimal number", "the end of the file"]) {
            try decode("P2 3 1 255\n1 2  ")
        }
    }
}
