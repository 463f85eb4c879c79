import MNISTData

/// The data a network was trained on: the folder it was read from and the
/// fingerprint of its contents, as stored in checkpoints.
public struct DataSource: Equatable, Sendable {
    /// The folder, as an absolute path when it was recorded.
    public var directory: String
    public var fingerprint: DataFingerprint

    public init(directory: String, fingerprint: DataFingerprint) {
        self.directory = directory
        self.fingerprint = fingerprint
    }

    /// Metadata keys of a checkpoint.
    enum Key {
        static let directory = "data_dir"
        static let rows = "data_rows"
        static let columns = "data_columns"
        static let trainCount = "data_train_count"
        static let testCount = "data_test_count"
        static let testImages = "data_test_images_sha256"
        static let testLabels = "data_test_labels_sha256"
    }

    /// The entries this source adds to a checkpoint's metadata.
    var metadata: [String: String] {
        [
            Key.directory: directory,
            Key.rows: String(fingerprint.rows), Key.columns: String(fingerprint.columns),
            Key.trainCount: String(fingerprint.trainCount), Key.testCount: String(fingerprint.testCount),
            Key.testImages: fingerprint.testImagesSHA256, Key.testLabels: fingerprint.testLabelsSHA256,
        ]
    }

    /// The source recorded in `metadata`, or nil when it holds none (a
    /// checkpoint written before sources were recorded) or an incomplete
    /// one.
    init?(metadata m: [String: String]) {
        guard let directory = m[Key.directory],
              let rows = m[Key.rows].flatMap(Int.init), let columns = m[Key.columns].flatMap(Int.init),
              let train = m[Key.trainCount].flatMap(Int.init), let test = m[Key.testCount].flatMap(Int.init),
              let images = m[Key.testImages], let labels = m[Key.testLabels]
        else { return nil }
        self.init(
            directory: directory,
            fingerprint: DataFingerprint(
                rows: rows, columns: columns, trainCount: train, testCount: test,
                testImagesSHA256: images, testLabelsSHA256: labels))
    }
}
