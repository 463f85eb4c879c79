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

    /// A batch prepared in the spare buffers holds what loading it gives,
    /// leaves the current batch alone until it is used, and is dropped by
    /// a shuffle or a plain load.
    func testAPreparedBatchEqualsALoadedOneAndLeavesTheCurrentOneAlone() throws {
        let images = try makeImages(count: 22)
        let source = BatchSource<Float>(images: images, maxBatch: 8)
        let reference = BatchSource<Float>(images: images, maxBatch: 8)
        var rngA = SeededGenerator(seed: 3), rngB = SeededGenerator(seed: 3)
        source.shuffle(using: &rngA)
        reference.shuffle(using: &rngB)
        func contents(_ s: BatchSource<Float>, rows: Int) -> ([Float], [Int32]) {
            (Array(UnsafeBufferPointer(start: s.pixels, count: rows * 4)),
             Array(UnsafeBufferPointer(start: s.labels, count: rows)))
        }
        XCTAssertEqual(source.load(batch: 0), 8)
        XCTAssertNil(source.preparedPixels, "the spare buffers come with the first prepared batch")
        let current = contents(source, rows: 8)
        XCTAssertEqual(source.prepare(batch: 2), 6, "the last batch is partial")
        XCTAssertEqual(source.preparedBatch, 2)
        XCTAssertTrue(contents(source, rows: 8) == current, "preparing must not touch the current batch")
        XCTAssertNil(source.usePrepared(batch: 1), "only the prepared batch can be used")
        XCTAssertTrue(contents(source, rows: 8) == current)
        XCTAssertEqual(source.usePrepared(batch: 2), 6)
        XCTAssertNil(source.preparedBatch)
        reference.load(batch: 2)
        XCTAssertTrue(contents(source, rows: 6) == contents(reference, rows: 6))
        XCTAssertNotEqual(contents(source, rows: 6).1, Array(current.1.prefix(6)))
        // A prepared batch does not survive a new order or a plain load.
        source.prepare(batch: 1)
        source.shuffle(using: &rngA)
        XCTAssertNil(source.preparedBatch)
        XCTAssertNil(source.usePrepared(batch: 1))
        source.prepare(batch: 1)
        source.load(batch: 0)
        XCTAssertNil(source.usePrepared(batch: 1))
    }
}
