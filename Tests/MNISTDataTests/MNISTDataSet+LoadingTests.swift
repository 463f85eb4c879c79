import MNISTData
import XCTest

final class MNISTDataSetLoadingTests: XCTestCase {
    /// Pixels and labels of a small data set in the MNIST layout.
    private struct Split {
        var count: Int, rows: Int, columns: Int
        var pixels: [UInt8], labels: [UInt8]
        init(count: Int, rows: Int = 28, columns: Int = 28, seed: UInt64) {
            var rng = SplitMix64(state: seed)
            self.count = count
            self.rows = rows
            self.columns = columns
            pixels = (0..<count * rows * columns).map { _ in UInt8.random(in: 0...255, using: &rng) }
            labels = (0..<count).map { UInt8($0 % 10) }
        }
        var imageFile: [UInt8] {
            idxBytes(typeCode: 0x08, dimensions: [UInt32(count), UInt32(rows), UInt32(columns)], payload: pixels)
        }
        var labelFile: [UInt8] { idxBytes(typeCode: 0x08, dimensions: [UInt32(count)], payload: labels) }
    }

    /// Writes the four files into a new folder, gzip-compressed unless `compress` is false.
    private func writeDataSet(train: Split, test: Split, compress: Bool = true) throws -> String {
        let directory = try makeTemporaryDirectory(for: self)
        let files: [(String, [UInt8])] = [
            ("train-images-idx3-ubyte", train.imageFile), ("train-labels-idx1-ubyte", train.labelFile),
            ("t10k-images-idx3-ubyte", test.imageFile), ("t10k-labels-idx1-ubyte", test.labelFile),
        ]
        for (name, bytes) in files {
            if compress {
                try writeFile(gzip(bytes), named: name + ".gz", in: directory)
            } else {
                try writeFile(bytes, named: name, in: directory)
            }
        }
        return directory
    }

    func testFashionShapedFolderLoadsWithValidationTakenFromTheFront() throws {
        let train = Split(count: 100, seed: 1)
        let test = Split(count: 20, seed: 2)
        for compress in [true, false] {
            let directory = try writeDataSet(train: train, test: test, compress: compress)
            let set = try MNISTDataSet.load(directory: directory, validationSize: 30)
            XCTAssertEqual([set.train.count, set.validation.count, set.test.count], [70, 30, 20])
            XCTAssertEqual(set.validation.pixels, Array(train.pixels[..<(30 * 784)]))
            XCTAssertEqual(set.validation.labels, Array(train.labels[..<30]))
            XCTAssertEqual(set.train.pixels, Array(train.pixels[(30 * 784)...]))
            XCTAssertEqual(set.train.labels, Array(train.labels[30...]))
            XCTAssertEqual(set.test.pixels, test.pixels)
            XCTAssertEqual(set.test.labels, test.labels)
            XCTAssertEqual([set.train.rows, set.train.columns, set.test.rows, set.test.columns], [28, 28, 28, 28])
            XCTAssertEqual(set.train.labelCounts(), Array(repeating: 7, count: 10))
            XCTAssertEqual(set.test.labelCounts(), Array(repeating: 2, count: 10))
        }
    }

    func testAnyImageSizeIsAcceptedWhenSplitsAgree() throws {
        let directory = try writeDataSet(
            train: Split(count: 12, rows: 5, columns: 7, seed: 3), test: Split(count: 4, rows: 5, columns: 7, seed: 4))
        let set = try MNISTDataSet.load(directory: directory, validationSize: 2)
        XCTAssertEqual([set.train.rows, set.train.columns, set.train.pixelsPerImage], [5, 7, 35])
        XCTAssertEqual(set.validation.pixels.count, 70)
    }

    func testTrailingSlashAndDefaultValidationSize() throws {
        let directory = try writeDataSet(train: Split(count: 5_001, rows: 1, columns: 1, seed: 5), test: Split(count: 3, rows: 1, columns: 1, seed: 6))
        let set = try MNISTDataSet.load(directory: directory + "/")
        XCTAssertEqual([set.train.count, set.validation.count], [1, 5_000])
    }

    func testGzipNameIsPreferredOverPlainName() throws {
        let directory = try writeDataSet(train: Split(count: 10, seed: 7), test: Split(count: 10, seed: 8))
        // A corrupt plain file beside the good .gz must be ignored.
        try writeFile([0xDE, 0xAD], named: "train-images-idx3-ubyte", in: directory)
        XCTAssertEqual(try MNISTDataSet.load(directory: directory, validationSize: 1).train.count, 9)
    }

    func testValidationSizeEdges() throws {
        let directory = try writeDataSet(train: Split(count: 10, seed: 9), test: Split(count: 2, seed: 10))
        let none = try MNISTDataSet.load(directory: directory, validationSize: 0)
        XCTAssertEqual([none.train.count, none.validation.count], [10, 0])
        XCTAssertEqual(none.validation.pixels, [])
        let most = try MNISTDataSet.load(directory: directory, validationSize: 9)
        XCTAssertEqual([most.train.count, most.validation.count], [1, 9])
        for bad in [10, 11, -1] {
            assertDataError(.invalidArgument, mentioning: ["train-images-idx3-ubyte", "0..<10", "found \(bad)"]) {
                try MNISTDataSet.load(directory: directory, validationSize: bad)
            }
        }
    }

    func testMissingFileNamesBothCandidates() throws {
        let directory = try writeDataSet(train: Split(count: 3, seed: 11), test: Split(count: 3, seed: 12))
        try FileManager.default.removeItem(atPath: directory + "/t10k-labels-idx1-ubyte.gz")
        assertDataError(
            .missingInput,
            mentioning: [directory + "/t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz or t10k-labels-idx1-ubyte", "found neither"]
        ) {
            try MNISTDataSet.load(directory: directory, validationSize: 0)
        }
    }

    func testLabelTenIsMalformedAndNamesTheIndex() throws {
        var train = Split(count: 6, seed: 13)
        train.labels[4] = 10
        let directory = try writeDataSet(train: train, test: Split(count: 2, seed: 14))
        assertDataError(.malformedData, mentioning: ["train-labels-idx1-ubyte.gz", "labels 0...9", "found 10 at index 4"]) {
            try MNISTDataSet.load(directory: directory, validationSize: 0)
        }
    }

    func testImageAndLabelCountsMustAgree() throws {
        let directory = try writeDataSet(train: Split(count: 6, seed: 15), test: Split(count: 2, seed: 16))
        try writeFile(
            gzip(idxBytes(typeCode: 0x08, dimensions: [3], payload: [1, 2, 3])),
            named: "t10k-labels-idx1-ubyte.gz", in: directory)
        assertDataError(.malformedData, mentioning: ["t10k-labels-idx1-ubyte.gz", "expected 2 labels", "found 3"]) {
            try MNISTDataSet.load(directory: directory, validationSize: 0)
        }
    }

    func testTrainAndTestImageSizesMustAgree() throws {
        let directory = try writeDataSet(train: Split(count: 6, seed: 17), test: Split(count: 2, rows: 28, columns: 27, seed: 18))
        assertDataError(.malformedData, mentioning: ["t10k-images-idx3-ubyte.gz", "28 × 28", "found 28 × 27"]) {
            try MNISTDataSet.load(directory: directory, validationSize: 0)
        }
    }

    func testImagesMustBeRankThreeBytes() throws {
        let directory = try writeDataSet(train: Split(count: 6, seed: 19), test: Split(count: 2, seed: 20))
        try writeFile(
            idxBytes(typeCode: 0x08, dimensions: [6, 784], payload: Array(repeating: 0, count: 6 * 784)),
            named: "train-images-idx3-ubyte.gz", in: directory)
        assertDataError(.malformedData, mentioning: ["train-images-idx3-ubyte.gz", "rank 3", "found uint8 of rank 2"]) {
            try MNISTDataSet.load(directory: directory, validationSize: 0)
        }
        try writeFile(
            idxBytes(typeCode: 0x0B, dimensions: [6], payload: Array(repeating: 0, count: 12)),
            named: "train-labels-idx1-ubyte.gz", in: directory)
        try writeFile(Split(count: 6, seed: 19).imageFile, named: "train-images-idx3-ubyte.gz", in: directory)
        assertDataError(.malformedData, mentioning: ["train-labels-idx1-ubyte.gz", "uint8 labels of rank 1", "found int16"]) {
            try MNISTDataSet.load(directory: directory, validationSize: 0)
        }
    }

    func testCorruptFileInTheFolderIsReportedByName() throws {
        let directory = try writeDataSet(train: Split(count: 6, seed: 21), test: Split(count: 2, seed: 22))
        var compressed = try gzip(Split(count: 2, seed: 22).imageFile)
        compressed[compressed.count - 6] ^= 0xFF
        try writeFile(compressed, named: "t10k-images-idx3-ubyte.gz", in: directory)
        assertDataError(.malformedData, mentioning: [directory + "/t10k-images-idx3-ubyte.gz", "CRC-32"]) {
            try MNISTDataSet.load(directory: directory, validationSize: 0)
        }
    }
}
