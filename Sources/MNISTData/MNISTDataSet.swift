/// The MNIST training, validation and test splits, or any data set stored
/// in the same layout (Fashion-MNIST, for instance).
///
/// The validation split is the first `validationSize` images of the
/// training files and the training split the rest, as TensorFlow's
/// `read_data_sets` does; the test split is the whole of the `t10k` files.
public struct MNISTDataSet: Equatable, Sendable {
    /// Training images: the training files after the first
    /// `validationSize` images.
    public let train: ImageSet
    /// Validation images: the first `validationSize` images of the
    /// training files (possibly none).
    public let validation: ImageSet
    /// Test images: the whole of the `t10k` files.
    public let test: ImageSet

    /// The validation size TensorFlow uses for MNIST: 5,000 of the 60,000
    /// training images.
    public static let defaultValidationSize = 5_000

    /// Creates a data set from three splits of the same image size.
    ///
    /// - Throws: `.invalidArgument` if the splits' `rows` or `columns`
    ///   differ.
    public init(train: ImageSet, validation: ImageSet, test: ImageSet) throws(DataError) {
        for (name, split) in [("validation", validation), ("test", test)]
        where split.rows != train.rows || split.columns != train.columns {
            throw DataError(
                kind: .invalidArgument, source: "MNISTDataSet",
                expected: "\(name) images of \(train.rows) × \(train.columns) like the training images",
                found: "\(split.rows) × \(split.columns)")
        }
        self.train = train
        self.validation = validation
        self.test = test
    }
}
