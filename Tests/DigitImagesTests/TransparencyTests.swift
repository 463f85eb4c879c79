@testable import DigitImages
import XCTest

/// Transparent pixels become background, whatever colour the strokes are.
final class TransparencyTests: XCTestCase {
    func testOpaqueImageIsUnchanged() {
        let image = GrayImage(width: 2, height: 1, pixels: [10, 200])
        XCTAssertEqual(image.flattened(), image)
    }

    func testDarkStrokesGoOverWhite() {
        // A black opaque pixel, a black transparent one, a half-covered one.
        let image = GrayImage(width: 3, height: 1, pixels: [0, 0, 0], alpha: [255, 0, 128])
        XCTAssertEqual(image.flattened().pixels, [0, 255, 127])
        XCTAssertNil(image.flattened().alpha)
    }

    func testLightStrokesGoOverBlack() {
        // The transparent pixel's own grey level (white) does not show.
        let image = GrayImage(width: 3, height: 1, pixels: [250, 255, 250], alpha: [255, 0, 128])
        XCTAssertEqual(image.flattened().pixels, [250, 0, 125])
    }

    func testFullyTransparentImageIsPlainWhite() {
        let image = GrayImage(width: 2, height: 2, pixels: [0, 50, 100, 150], alpha: [0, 0, 0, 0])
        XCTAssertEqual(image.flattened().pixels, [255, 255, 255, 255])
    }
}
