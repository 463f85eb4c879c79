import Foundation

/// A small generated data set in the MNIST layout: the four standard file
/// names, raw (uncompressed) IDX, 28 × 28 images.
///
/// Every class has its own bright block at a fixed place on a noisy
/// background, jittered by a pixel or two, so a small network learns it in
/// a few epochs while the task is not solvable from one pixel.
struct SyntheticMNIST {
    static let side = 28
    static let classCount = 10
    static let trainImages = "train-images-idx3-ubyte"
    static let trainLabels = "train-labels-idx1-ubyte"
    static let testImages = "t10k-images-idx3-ubyte"
    static let testLabels = "t10k-labels-idx1-ubyte"

    /// The folder the files were written to.
    let folder: String
    let trainCount: Int
    let testCount: Int

    /// The path of one of the four files in `folder`.
    func path(_ name: String) -> String { folder + "/" + name }

    /// Writes the four files into `folder` (created if needed).
    ///
    /// Labels are balanced: each split holds every class `count / 10` or
    /// `count / 10 + 1` times, in a shuffled order.
    static func write(to folder: String, trainCount: Int, testCount: Int, seed: UInt64 = 1) throws -> SyntheticMNIST {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: seed)
        for (images, labels, count) in [(trainImages, trainLabels, trainCount), (testImages, testLabels, testCount)] {
            var classes = (0..<count).map { UInt8($0 % classCount) }
            classes.shuffle(using: &rng)
            var pixels: [UInt8] = []
            pixels.reserveCapacity(count * side * side)
            for label in classes {
                pixels += image(of: Int(label), using: &rng)
            }
            try write(IDXFile.bytes(dimensions: [count, side, side], values: pixels), to: folder + "/" + images)
            try write(IDXFile.bytes(dimensions: [count], values: classes), to: folder + "/" + labels)
        }
        return SyntheticMNIST(folder: folder, trainCount: trainCount, testCount: testCount)
    }

    /// One 28 × 28 image of class `label`: noise in 0...90 everywhere, and
    /// a 6 × 6 block in 170...255 in the class's cell of a 4 × 3 grid.
    static func image(of label: Int, using rng: inout some RandomNumberGenerator) -> [UInt8] {
        var pixels = (0..<(side * side)).map { _ in UInt8.random(in: 0...90, using: &rng) }
        let top = 2 + (label / 4) * 8 + Int.random(in: -1...1, using: &rng)
        let left = 1 + (label % 4) * 7 + Int.random(in: -1...1, using: &rng)
        for row in max(0, top)..<min(side, top + 6) {
            for column in max(0, left)..<min(side, left + 6) {
                pixels[row * side + column] = UInt8.random(in: 170...255, using: &rng)
            }
        }
        return pixels
    }

    /// Replaces the file `name` with `bytes`.
    func overwrite(_ name: String, with bytes: [UInt8]) throws {
        try Self.write(bytes, to: path(name))
    }

    /// The current bytes of the file `name`.
    func bytes(of name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// Keeps only the first `count` bytes of the file `name`.
    func truncate(_ name: String, to count: Int) throws {
        try overwrite(name, with: Array(try bytes(of: name).prefix(count)))
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
