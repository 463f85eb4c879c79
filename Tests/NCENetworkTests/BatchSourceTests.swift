import MNISTData
import NCENetwork
import SampledLosses
import XCTest

final class BatchSourceTests: XCTestCase {
    func makeImages(count: Int) throws -> ImageSet {
        // Image i has every pixel equal to i and label i mod 10.
        let pixels = (0..<count).flatMap { [UInt8](repeating: UInt8($0), count: 4) }
        return try ImageSet(rows: 2, columns: 2, pixels: pixels, labels: (0..<count).map { UInt8($0 % 10) })
    }

    func testBatchesCoverTheSplitWithAPartialLastBatch() throws {
        let source = BatchSource<Float>(images: try makeImages(count: 10), maxBatch: 4)
        XCTAssertEqual(source.batchesPerEpoch, 3)
        XCTAssertEqual(source.load(batch: 0), 4)
        XCTAssertEqual(source.load(batch: 2), 2)
        // Stored order: batch 2 holds images 8 and 9, scaled to [0, 1].
        XCTAssertEqual(source.pixels[0], 8 / 255, accuracy: 1e-7)
        XCTAssertEqual(source.pixels[4], 9 / 255, accuracy: 1e-7)
        XCTAssertEqual(source.labels[1], 9)
    }

    func testShuffleIsAPermutationAndRepeatableFromTheSeed() throws {
        let images = try makeImages(count: 50)
        let a = BatchSource<Float>(images: images, maxBatch: 8)
        let b = BatchSource<Float>(images: images, maxBatch: 8)
        var rngA = SeededGenerator(seed: 7), rngB = SeededGenerator(seed: 7)
        a.shuffle(using: &rngA)
        b.shuffle(using: &rngB)
        XCTAssertEqual(a.order, b.order)
        XCTAssertEqual(a.order.sorted(), (0..<50).map(Int32.init))
        XCTAssertNotEqual(a.order, (0..<50).map(Int32.init))
        // Pixels and labels travel together.
        a.load(batch: 0)
        for row in 0..<8 {
            let image = Int(a.order[row])
            XCTAssertEqual(a.pixels[row * 4], Float(image) / 255, accuracy: 1e-7)
            XCTAssertEqual(Int(a.labels[row]), image % 10)
        }
    }
}
