@testable import DigitImages
import XCTest

/// From grey levels to ink: inversion decided by the border, paper to 0,
/// noise floor, blank pictures.
final class InkExtractionTests: XCTestCase {
    func testBorderWidthGrowsWithTheImage() {
        XCTAssertEqual(InkExtraction.borderWidth(width: 28, height: 28), 1)
        XCTAssertEqual(InkExtraction.borderWidth(width: 60, height: 90), 3)
        XCTAssertEqual(InkExtraction.borderWidth(width: 1, height: 500), 1)
        var canvas = Canvas(width: 4, height: 3, background: 0)
        canvas.fill(x: 1..<3, y: 1..<2, with: 9)  // the two pixels inside the ring
        let histogram = InkExtraction.borderHistogram(of: canvas.image)
        XCTAssertEqual(histogram[0], 10)
        XCTAssertEqual(histogram.reduce(0, +), 10)
    }

    func testLightBackgroundIsInverted() throws {
        var canvas = Canvas(width: 10, height: 10, background: 255)
        canvas.fill(x: 4..<6, y: 2..<8, with: 0)
        let ink = try XCTUnwrap(InkExtraction.inkLevels(of: canvas.image))
        XCTAssertTrue(ink.inverted)
        XCTAssertEqual(ink[5, 5], 255)
        XCTAssertEqual(ink[0, 0], 0)
        XCTAssertEqual(allLevels(ink).filter { $0 > 0 }.count, 12)
    }

    func testDarkBackgroundIsKept() throws {
        var canvas = Canvas(width: 10, height: 10, background: 0)
        canvas.fill(x: 4..<6, y: 2..<8, with: 200)
        let ink = try XCTUnwrap(InkExtraction.inkLevels(of: canvas.image))
        XCTAssertFalse(ink.inverted)
        XCTAssertEqual(ink[4, 2], 255, "the brightest stroke is stretched to full ink")
        XCTAssertEqual(ink[9, 9], 0)
    }

    func testGreyPaperAndGrainBecomeZero() throws {
        // Paper at 180 with grain of ±6, ink at 60: inverted, paper 75 ± 6, ink 195.
        var canvas = Canvas(width: 20, height: 20, background: 180)
        for index in canvas.pixels.indices { canvas.pixels[index] = UInt8(174 + (index * 7) % 13) }
        canvas.fill(x: 8..<12, y: 4..<16, with: 60)
        canvas.pixels[3 * 20 + 3] = 120  // a smudge a third of the way to ink
        let ink = try XCTUnwrap(InkExtraction.inkLevels(of: canvas.image))
        XCTAssertTrue(ink.inverted)
        XCTAssertEqual(allLevels(ink).filter { $0 > 0 }.count, 4 * 12 + 1, "grain is below the noise floor, the smudge above")
        XCTAssertEqual(ink[9, 9], 255)
        XCTAssertLessThan(ink[3, 3], 128)
    }

    func testBoundsOfTheInk() throws {
        var canvas = Canvas(width: 12, height: 9, background: 255)
        canvas.fill(x: 3..<5, y: 2..<7, with: 0)
        canvas.fill(x: 8..<9, y: 6..<8, with: 90)
        let bounds = try XCTUnwrap(try XCTUnwrap(InkExtraction.inkLevels(of: canvas.image)).inkBounds())
        XCTAssertEqual(bounds.columns, 3..<9)
        XCTAssertEqual(bounds.rows, 2..<8)
    }

    func testResamplingReadsOnlyTheCrop() throws {
        var canvas = Canvas(width: 10, height: 10, background: 0)
        canvas.fill(x: 2..<6, y: 4..<6, with: 255)
        canvas.fill(x: 2..<4, y: 4..<5, with: 128)
        let ink = try XCTUnwrap(InkExtraction.inkLevels(of: canvas.image))
        // 4 × 2 into 2 × 1: the left half averages 128 and 255 levels.
        let plane = ink.resampled(columns: 2..<6, rows: 4..<6, width: 2, height: 1)
        XCTAssertEqual(plane.values[1], 255, accuracy: 1e-9)
        XCTAssertEqual(plane.values[0], (ink[2, 4] + 255) / 2, accuracy: 1e-9)
        XCTAssertLessThan(plane.values[0], 255)
    }

    func testBlankPicturesHaveNoInk() {
        XCTAssertNil(InkExtraction.inkLevels(of: Canvas(width: 5, height: 5, background: 255).image))
        XCTAssertNil(InkExtraction.inkLevels(of: Canvas(width: 5, height: 5, background: 0).image))
        // A mark fainter than the least contrast.
        var faint = Canvas(width: 9, height: 9, background: 240)
        faint.fill(x: 3..<6, y: 3..<6, with: 215)
        XCTAssertNil(InkExtraction.inkLevels(of: faint.image))
        XCTAssertNil(InkExtraction.inkLevels(of: GrayImage(width: 1, height: 1, pixels: [0])))
    }
}
