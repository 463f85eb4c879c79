@testable import DigitImages
import Foundation
import XCTest

/// `Tests/DigitImagesTests/Fixtures/png-kinds/`, written by
/// `scripts/make_test_digits.py`.
let pngKindsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/png-kinds").path

/// The bytes of the png-kinds fixture `name`.
func pngKind(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: pngKindsFolder + "/" + name)))
}

/// The 9 × 7 grey pattern of the png-kinds fixtures: (37x + 71y + 5) mod 256.
func fixturePattern(transform: (Int) -> Int = { $0 }) -> [UInt8] {
    (0..<7).flatMap { y in (0..<9).map { x in UInt8(transform((37 * x + 71 * y + 5) % 256)) } }
}

/// The fixtures' 9 × 7 opacity pattern: (53x + 29y) mod 256.
func fixtureOpacity() -> [UInt8] {
    (0..<7).flatMap { y in (0..<9).map { x in UInt8((53 * x + 29 * y) % 256) } }
}

/// A fresh folder under the system temporary folder, removed after the test.
func makeTemporaryDirectory(for testCase: XCTestCase) throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("DigitImagesTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
}

/// Asserts that `body` throws an `ImageError` of `kind` whose description
/// contains every string in `mentions`.
func assertImageError<T>(
    _ kind: ImageError.Kind, mentioning mentions: [String],
    file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws -> T
) {
    do {
        _ = try body()
        XCTFail("expected a \(kind) ImageError, got a value", file: file, line: line)
    } catch let error as ImageError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        XCTAssertFalse(error.description.contains("\n"), "not one line: \(error)", file: file, line: line)
        for mention in mentions {
            XCTAssertTrue(
                error.description.contains(mention), "\"\(error)\" should mention \"\(mention)\"", file: file, line: line)
        }
    } catch {
        XCTFail("expected an ImageError, got \(error)", file: file, line: line)
    }
}

/// A `width × height` canvas of `background` with filled rectangles.
struct Canvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, background: UInt8) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: background, count: width * height)
    }

    /// Paints columns `x` and rows `y` with `level`.
    mutating func fill(x: Range<Int>, y: Range<Int>, with level: UInt8) {
        for row in y {
            for column in x { pixels[row * width + column] = level }
        }
    }

    var image: GrayImage { GrayImage(width: width, height: height, pixels: pixels) }
}

/// The bounding box of the non-zero pixels of a prepared digit.
func inkBounds(_ digit: DigitImage) -> (columns: Range<Int>, rows: Range<Int>)? {
    let side = DigitImage.side
    let inked = digit.pixels.indices.filter { digit.pixels[$0] > 0 }
    guard !inked.isEmpty else { return nil }
    let columns = inked.map { $0 % side }, rows = inked.map { $0 / side }
    return (columns.min()!..<(columns.max()! + 1), rows.min()!..<(rows.max()! + 1))
}

/// Every ink level of `ink`, row by row.
func allLevels(_ ink: InkLevels) -> [Double] {
    (0..<ink.height).flatMap { y in (0..<ink.width).map { x in ink[x, y] } }
}
