import MNISTData
import XCTest

/// End-to-end checks against the MNIST files bundled in `data/mnist/`.
final class BundledMNISTTests: XCTestCase {
    private let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data/mnist").path

    /// Re-encoding what the reader decoded must reproduce the canonical
    /// uncompressed files bit for bit.
    func testDecodedFilesHaveTheCanonicalMD5Sums() throws {
        let canonical = [
            ("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb"),
            ("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624"),
            ("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"),
            ("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"),
        ]
        for (name, digest) in canonical {
            let array = try IDXReader.read(path: directory + "/" + name + ".gz")
            XCTAssertEqual(MD5.hex(array.encoded()), digest, name)
        }
    }

    func testSplitsHaveTheKnownSizesAndClassCounts() throws {
        let set = try MNISTDataSet.load(directory: directory)
        XCTAssertEqual([set.train.count, set.validation.count, set.test.count], [55_000, 5_000, 10_000])
        for split in [set.train, set.validation, set.test] {
            XCTAssertEqual([split.rows, split.columns], [28, 28])
            XCTAssertEqual(split.pixels.count, split.count * 784)
            XCTAssertEqual(split.labelCounts().reduce(0, +), split.count)
        }
        XCTAssertEqual(set.test.labelCounts(), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        let allTraining = zip(set.train.labelCounts(), set.validation.labelCounts()).map { $0 + $1 }
        XCTAssertEqual(allTraining, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        // The first training image is a 5 and the first test image a 7.
        XCTAssertEqual(set.validation.labels.first, 5)
        XCTAssertEqual(set.test.labels.first, 7)
    }

    func testValidationIsTheFrontOfTheTrainingFile() throws {
        let set = try MNISTDataSet.load(directory: directory, validationSize: 5_000)
        let labels = try XCTUnwrap(IDXReader.read(path: directory + "/train-labels-idx1-ubyte.gz").uint8Values)
        XCTAssertEqual(set.validation.labels, Array(labels[..<5_000]))
        XCTAssertEqual(set.train.labels, Array(labels[5_000...]))
    }
}
