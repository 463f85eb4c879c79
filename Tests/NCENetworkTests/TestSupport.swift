import Foundation
import MNISTData
import NCENetwork
import SampledLosses
import XCTest

/// Largest |a − b| over two equal-length arrays, relative to the largest
/// magnitude in `b` (or absolute when `b` is all zeros).
func relativeError<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> T {
    precondition(a.count == b.count)
    var worst: T = 0, scale: T = 0
    for (x, y) in zip(a, b) {
        worst = max(worst, abs(x - y))
        scale = max(scale, abs(y))
    }
    return scale > 0 ? worst / scale : worst
}

/// `count` uniform values in [-1, 1) from `rng`.
func randomValues<T: BinaryFloatingPoint>(_ count: Int, using rng: inout SeededGenerator) -> [T] {
    (0..<count).map { _ in T(2 * rng.nextUnitInterval() - 1) }
}

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh empty folder under the system temporary folder, removed by the
/// test case's teardown block.
func makeTemporaryFolder(for testCase: XCTestCase) throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("mnist-nce-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
}

/// The first images of each bundled split, for short end-to-end runs.
func bundledSubset(train: Int, validation: Int, test: Int) throws -> MNISTDataSet {
    let full = try MNISTDataSet.load(directory: packageRoot.appendingPathComponent("data/mnist").path)
    func prefix(_ set: ImageSet, _ n: Int) throws -> ImageSet {
        try ImageSet(
            rows: set.rows, columns: set.columns,
            pixels: Array(set.pixels.prefix(n * set.pixelsPerImage)), labels: Array(set.labels.prefix(n)))
    }
    return try MNISTDataSet(
        train: prefix(full.train, train), validation: prefix(full.validation, validation),
        test: prefix(full.test, test))
}
