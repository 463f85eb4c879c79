@testable import DigitImages
import XCTest

/// Area resampling and centre of mass.
final class PlaneTests: XCTestCase {
    func testCoverageWeightsSumToOne() {
        for (inputs, outputs) in [(7, 20), (20, 20), (90, 20), (3, 2), (1, 5), (64, 1)] {
            let taps = Plane.coverage(from: inputs, to: outputs)
            XCTAssertEqual(taps.count, outputs)
            for output in taps {
                XCTAssertEqual(output.map(\.weight).reduce(0, +), 1, accuracy: 1e-12, "\(inputs) → \(outputs)")
                XCTAssertTrue(output.allSatisfy { (0..<inputs).contains($0.index) })
            }
        }
    }

    func testHalvingAveragesBlocks() {
        let plane = Plane(width: 4, height: 2, values: [0, 4, 8, 8, 2, 6, 0, 4])
        XCTAssertEqual(plane.resampled(width: 2, height: 1).values, [3, 5])
    }

    func testNonIntegerShrinkCountsPartialPixels() {
        // Three pixels into two: the middle one is split in half.
        let plane = Plane(width: 3, height: 1, values: [3, 6, 9])
        let result = plane.resampled(width: 2, height: 1).values
        XCTAssertEqual(result[0], (3 + 0.5 * 6) / 1.5, accuracy: 1e-12)
        XCTAssertEqual(result[1], (0.5 * 6 + 9) / 1.5, accuracy: 1e-12)
    }

    func testResamplingKeepsTheMeanLevel() {
        let values = (0..<(37 * 23)).map { Double(($0 * 97) % 256) }
        let plane = Plane(width: 37, height: 23, values: values)
        let mean = values.reduce(0, +) / Double(values.count)
        for (width, height) in [(20, 12), (5, 3), (74, 46), (20, 20)] {
            let out = plane.resampled(width: width, height: height).values
            XCTAssertEqual(out.reduce(0, +) / Double(out.count), mean, accuracy: 1e-9, "\(width)×\(height)")
        }
    }

    func testEnlargingRepeatsPixels() {
        let plane = Plane(width: 2, height: 1, values: [10, 20])
        XCTAssertEqual(plane.resampled(width: 4, height: 2).values, [10, 10, 20, 20, 10, 10, 20, 20])
    }

    func testCentreOfMassCountsPixelIAtI() throws {
        let plane = Plane(width: 3, height: 2, values: [0, 0, 1, 0, 0, 3])
        let centre = try XCTUnwrap(plane.centreOfMass())
        XCTAssertEqual(centre.x, 2)
        XCTAssertEqual(centre.y, 0.75)
    }
}
