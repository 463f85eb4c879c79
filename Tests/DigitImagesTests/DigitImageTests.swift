@testable import DigitImages
import XCTest

/// The MNIST-style preparation as a whole: inversion, cropping, scaling to
/// 20 pixels on the longer side keeping the aspect ratio, and placement by
/// centre of mass.
final class DigitImageTests: XCTestCase {
    /// An "L": a vertical bar and a foot, `ink` on `background`, with the
    /// shape's top-left corner at (`left`, `top`) and `scale` pixels per unit.
    private func lShape(
        width: Int = 60, height: Int = 80, left: Int = 10, top: Int = 10, scale: Int = 2,
        ink: UInt8 = 0, background: UInt8 = 255
    ) -> GrayImage {
        var canvas = Canvas(width: width, height: height, background: background)
        canvas.fill(x: left..<(left + 4 * scale), y: top..<(top + 24 * scale), with: ink)
        canvas.fill(x: left..<(left + 14 * scale), y: (top + 20 * scale)..<(top + 24 * scale), with: ink)
        return canvas.image
    }

    private func prepare(_ image: GrayImage) throws -> DigitImage {
        try DigitImage(preparing: image, source: "test")
    }

    func testDarkOnLightAndLightOnDarkGiveTheSameDigit() throws {
        let dark = try prepare(lShape(ink: 0, background: 255))
        let light = try prepare(lShape(ink: 255, background: 0))
        XCTAssertTrue(dark.inverted)
        XCTAssertFalse(light.inverted)
        XCTAssertEqual(dark.pixels, light.pixels)
        XCTAssertEqual(dark.pixels[0], 0, "background is 0 after inversion")
        XCTAssertEqual(dark.pixels.max(), 255)
    }

    func testPositionInThePictureDoesNotMatter() throws {
        let reference = try prepare(lShape(left: 10, top: 10))
        XCTAssertEqual(try prepare(lShape(left: 30, top: 4)).pixels, reference.pixels)
        XCTAssertEqual(try prepare(lShape(width: 200, height: 90, left: 150, top: 38)).pixels, reference.pixels)
    }

    func testLongerSideIsScaledToTwentyKeepingTheAspectRatio() throws {
        // A 14 × 24 shape at 2 and 5 pixels per unit, and a 7 × 12 one
        // enlarged: 20 rows, 14·20/24 ≈ 11.67 → 12 columns.
        for (scale, width, height) in [(2, 60, 80), (5, 100, 150), (1, 28, 28)] {
            let digit = try prepare(lShape(width: width, height: height, left: 2, top: 2, scale: scale))
            let bounds = try XCTUnwrap(inkBounds(digit))
            XCTAssertEqual(bounds.rows.count, 20, "scale \(scale)")
            XCTAssertEqual(bounds.columns.count, 12, "scale \(scale)")
        }
        // Wide: a 60 × 15 bar becomes 20 × 5.
        var wide = Canvas(width: 100, height: 40, background: 0)
        wide.fill(x: 20..<80, y: 10..<25, with: 255)
        let bar = try XCTUnwrap(inkBounds(try prepare(wide.image)))
        XCTAssertEqual(bar.columns.count, 20)
        XCTAssertEqual(bar.rows.count, 5)
        let thin = DigitImage.fittedSize(width: 3, height: 300)
        XCTAssertEqual(thin.width, 1)
        XCTAssertEqual(thin.height, 20)
    }

    func testShrinkingProducesGreyEdges() throws {
        // A disc of radius 100 into 20 × 20: output pixels on its rim are
        // partly covered and come out grey, as MNIST's anti-aliased digits.
        var canvas = Canvas(width: 300, height: 300, background: 0)
        for y in 0..<300 {
            for x in 0..<300 where (x - 150) * (x - 150) + (y - 150) * (y - 150) <= 100 * 100 {
                canvas.pixels[y * 300 + x] = 255
            }
        }
        let digit = try prepare(canvas.image)
        let grey = digit.pixels.filter { $0 > 0 && $0 < 255 }.count
        XCTAssertGreaterThan(grey, 20, "too few grey levels on the rim")
    }

    func testCentreOfMassIsAtFourteen() throws {
        // A square with a tail: its centre of mass is far from its box's centre.
        var blob = Canvas(width: 50, height: 50, background: 255)
        blob.fill(x: 10..<30, y: 10..<30, with: 0)
        blob.fill(x: 18..<22, y: 30..<48, with: 0)
        var thin = Canvas(width: 9, height: 40, background: 0)
        thin.fill(x: 3..<5, y: 2..<38, with: 180)
        let images = [lShape(), lShape(width: 100, height: 150, scale: 5, ink: 30, background: 220), blob.image, thin.image]
        for (index, image) in images.enumerated() {
            let centre = try prepare(image).centreOfMass
            XCTAssertEqual(centre.x, 14, accuracy: 0.5, "image \(index)")
            XCTAssertEqual(centre.y, 14, accuracy: 0.5, "image \(index)")
        }
    }

    func testPlacementNeverCutsInk() throws {
        // Nearly all the mass in the top row: centring would push the box
        // past the top edge, so it stops there.
        var canvas = Canvas(width: 40, height: 40, background: 0)
        canvas.fill(x: 0..<40, y: 0..<6, with: 255)
        canvas.fill(x: 19..<21, y: 6..<40, with: 120)
        let digit = try prepare(canvas.image)
        let bounds = try XCTUnwrap(inkBounds(digit))
        XCTAssertEqual(bounds.rows, 8..<28, "the whole 20-row box, against the bottom edge")
        XCTAssertLessThan(digit.centreOfMass.y, 13.5)
    }

    func testBlankPictureIsRefused() {
        assertImageError(.malformedData, mentioning: ["scan.png: expected a digit, found a blank image"]) {
            try DigitImage(preparing: Canvas(width: 30, height: 30, background: 250).image, source: "scan.png")
        }
        let transparent = GrayImage(width: 4, height: 4, pixels: [UInt8](repeating: 0, count: 16), alpha: [UInt8](repeating: 0, count: 16))
        assertImageError(.malformedData, mentioning: ["found a blank image"]) {
            try DigitImage(preparing: transparent, source: "t.png")
        }
    }

    func testShadeRows() throws {
        let digit = try prepare(lShape())
        let rows = digit.shadeRows
        XCTAssertEqual(rows.count, 28)
        XCTAssertTrue(rows.allSatisfy { $0.count == 56 })
        XCTAssertEqual(rows[0], String(repeating: " ", count: 56))
        XCTAssertTrue(rows.joined().contains("@@"))
        XCTAssertEqual(DigitImage(pixels: [UInt8](repeating: 255, count: 784)).shadeRows[5], String(repeating: "@", count: 56))
    }
}
