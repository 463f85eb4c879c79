@testable import DigitImages
import XCTest

/// PNG through libpng: every colour type and bit depth to 8-bit grey (and
/// alpha), and damaged or oversized files refused without crashing.
final class PNGDecoderTests: XCTestCase {
    private func decode(_ name: String) throws -> GrayImage {
        try ImageDecoder.decode(try pngKind(name), source: name)
    }

    func testGreyAtEveryDepthAndInterlaced() throws {
        for name in ["grey8.png", "grey8-interlaced.png", "grey16.png", "rgb8.png", "palette8.png"] {
            let image = try decode(name)
            XCTAssertEqual(image.width, 9, name)
            XCTAssertEqual(image.height, 7, name)
            XCTAssertEqual(image.pixels, fixturePattern(), name)
            XCTAssertNil(image.alpha, name)
        }
        // Low bit depths are scaled up to 8 bits: 1 → 255, 4-bit v → 17v.
        XCTAssertEqual(try decode("grey1.png").pixels, fixturePattern { ($0 >> 7) * 255 })
        XCTAssertEqual(try decode("grey4.png").pixels, fixturePattern { ($0 >> 4) * 17 })
    }

    func testTransparencyBecomesAlpha() throws {
        for name in ["grey-alpha8.png", "grey-alpha16.png", "rgba16.png"] {
            let image = try decode(name)
            XCTAssertEqual(image.pixels, fixturePattern(), name)
            XCTAssertEqual(image.alpha, fixtureOpacity(), name)
        }
        // tRNS on grey: level 5, the pixel at (0, 0) only, is transparent.
        let trns = try decode("grey8-trns.png")
        XCTAssertEqual(trns.pixels, fixturePattern())
        XCTAssertEqual(trns.alpha, fixturePattern().map { $0 == 5 ? 0 : 255 })
        // tRNS on a palette: index 0 is transparent.
        let palette = try decode("palette4-trns.png")
        XCTAssertEqual(palette.pixels, fixturePattern { ($0 >> 4) * 17 })
        XCTAssertEqual(palette.alpha, fixturePattern().map { $0 >> 4 == 0 ? 0 : 255 })
    }

    func testColourUsesTheSRGBLuminanceWeights() throws {
        // 0.2126 R + 0.7152 G + 0.0722 B.
        let image = try decode("rgb8-primaries.png")
        let expected: [Double] = [0.2126 * 255, 0.7152 * 255, 0.0722 * 255, 255]
        for (value, target) in zip(image.pixels, expected) {
            XCTAssertEqual(Double(value), target, accuracy: 1, "\(image.pixels)")
        }
    }

    func testTruncatedFilesAreRefusedAtEveryLength() throws {
        let bytes = try pngKind("grey8.png")
        for length in 8..<bytes.count {
            assertImageError(.malformedData, mentioning: ["cut.png: expected a valid PNG, found a damaged file (libpng: "]) {
                try ImageDecoder.decode(Array(bytes.prefix(length)), source: "cut.png")
            }
        }
    }

    func testCorruptedBytesAreRefused() throws {
        var bytes = try pngKind("grey8-interlaced.png")
        bytes[bytes.count - 20] ^= 0x5A  // inside IDAT: its CRC no longer matches
        assertImageError(.malformedData, mentioning: ["expected a valid PNG", "libpng: "]) {
            try ImageDecoder.decode(bytes, source: "bad.png")
        }
        let garbage = PNGBytes.signature + (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 91 &+ 17) }
        assertImageError(.malformedData, mentioning: ["expected a valid PNG"]) {
            try ImageDecoder.decode(garbage, source: "garbage.png")
        }
    }

    func testHugeDimensionsAreRefusedFromTheHeader() {
        assertImageError(.malformedData, mentioning: ["expected an image of at most 16384×16384 pixels and 64 Mpixel", "found 10000×10000"]) {
            try ImageDecoder.decode(PNGBytes.header(width: 10_000, height: 10_000), source: "big.png")
        }
        assertImageError(.malformedData, mentioning: ["found 16385×1"]) {
            try ImageDecoder.decode(PNGBytes.header(width: 16_385, height: 1), source: "wide.png")
        }
        // Beyond libpng's own limit, libpng refuses it while reading IHDR.
        assertImageError(.malformedData, mentioning: ["expected a valid PNG", "libpng: "]) {
            try ImageDecoder.decode(PNGBytes.header(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF), source: "huge.png")
        }
    }

    func testHeaderWithinLimitsButNoPixelData() {
        assertImageError(.malformedData, mentioning: ["expected a valid PNG", "libpng: "]) {
            try ImageDecoder.decode(PNGBytes.header(width: 3, height: 3), source: "empty.png")
        }
    }
}
