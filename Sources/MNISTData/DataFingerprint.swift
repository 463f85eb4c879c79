/// What identifies the data a model was trained on, stored in checkpoints
/// so that `eval` can tell when it is given other data.
///
/// The digests are SHA-256 of the test files as IDX, decompressed: equal
/// to `zcat t10k-images-idx3-ubyte.gz | sha256sum`.
public struct DataFingerprint: Equatable, Sendable {
    /// Image rows and columns.
    public var rows: Int
    public var columns: Int
    /// Images in the training files (validation included).
    public var trainCount: Int
    /// Images in the test files.
    public var testCount: Int
    public var testImagesSHA256: String
    public var testLabelsSHA256: String

    public init(
        rows: Int, columns: Int, trainCount: Int, testCount: Int,
        testImagesSHA256: String, testLabelsSHA256: String
    ) {
        self.rows = rows
        self.columns = columns
        self.trainCount = trainCount
        self.testCount = testCount
        self.testImagesSHA256 = testImagesSHA256
        self.testLabelsSHA256 = testLabelsSHA256
    }

    /// The fingerprint of a loaded data set.
    public init(_ set: MNISTDataSet) {
        self.init(
            rows: set.train.rows, columns: set.train.columns,
            trainCount: set.train.count + set.validation.count, testCount: set.test.count,
            testSplit: set.test)
    }

    /// The fingerprint fields a test split alone determines, with the
    /// training count given.
    public init(rows: Int, columns: Int, trainCount: Int, testCount: Int, testSplit test: ImageSet) {
        var images = SHA256Digest()
        images.update(Self.idxHeader(typeCode: 0x08, dimensions: [test.count, test.rows, test.columns]))
        images.update(test.pixels)
        var labels = SHA256Digest()
        labels.update(Self.idxHeader(typeCode: 0x08, dimensions: [test.count]))
        labels.update(test.labels)
        self.init(
            rows: rows, columns: columns, trainCount: trainCount, testCount: testCount,
            testImagesSHA256: images.hexDigest(), testLabelsSHA256: labels.hexDigest())
    }

    /// The first way `other` (the data at hand) differs from this one,
    /// comparing only what `other` knows (nil fields are not compared), or
    /// nil when they agree.
    public func mismatch(rows: Int, columns: Int, trainCount: Int?, test: ImageSet?) -> String? {
        if rows != self.rows || columns != self.columns {
            return "images of \(self.rows)×\(self.columns), found \(rows)×\(columns)"
        }
        if let trainCount, trainCount != self.trainCount {
            return "\(self.trainCount) training images, found \(trainCount)"
        }
        if let test {
            if test.count != testCount { return "\(testCount) test images, found \(test.count)" }
            let found = DataFingerprint(rows: rows, columns: columns, trainCount: 0, testCount: test.count, testSplit: test)
            if found.testImagesSHA256 != testImagesSHA256 {
                return "test images with SHA-256 \(testImagesSHA256.prefix(12))…, found \(found.testImagesSHA256.prefix(12))…"
            }
            if found.testLabelsSHA256 != testLabelsSHA256 {
                return "test labels with SHA-256 \(testLabelsSHA256.prefix(12))…, found \(found.testLabelsSHA256.prefix(12))…"
            }
        }
        return nil
    }

    /// The header of a uint8 IDX file with these dimensions.
    static func idxHeader(typeCode: UInt8, dimensions: [Int]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, typeCode, UInt8(dimensions.count)]
        for d in dimensions {
            bytes += [UInt8(truncatingIfNeeded: d >> 24), UInt8(truncatingIfNeeded: d >> 16),
                      UInt8(truncatingIfNeeded: d >> 8), UInt8(truncatingIfNeeded: d)]
        }
        return bytes
    }
}
