#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MNISTDataSet {
    /// The four file names of the MNIST layout, without the `.gz` suffix.
    public enum FileName {
        /// Training images, rank 3 (count, rows, columns), `UInt8`.
        public static let trainImages = "train-images-idx3-ubyte"
        /// Training labels, rank 1, `UInt8` in 0...9.
        public static let trainLabels = "train-labels-idx1-ubyte"
        /// Test images, rank 3, `UInt8`.
        public static let testImages = "t10k-images-idx3-ubyte"
        /// Test labels, rank 1, `UInt8` in 0...9.
        public static let testLabels = "t10k-labels-idx1-ubyte"
    }

    /// Loads and validates the four MNIST-layout files in `directory`.
    ///
    /// For each file, `NAME.gz` is used if it exists, else `NAME`; either
    /// may be compressed or not (the content decides). Images must be rank
    /// 3 `UInt8` arrays and labels rank 1 `UInt8` arrays in 0...9, with as
    /// many labels as images, and training and test images must share one
    /// rows × columns size (any size: MNIST and Fashion-MNIST use 28 × 28).
    ///
    /// The training pixels are read into one array and then split by
    /// copying: the validation images once and the training images once,
    /// so peak memory briefly holds the training pixels twice.
    ///
    /// - Parameters:
    ///   - directory: The folder holding the four files.
    ///   - validationSize: How many of the first training images form the
    ///     validation split, `0 ≤ validationSize < training count`.
    /// - Throws: `DataError`: `.missingInput` if a file exists under
    ///   neither name or cannot be opened; `.invalidArgument` for an
    ///   out-of-range `validationSize`; `.malformedData` for any file or
    ///   cross-file inconsistency, naming the file; `.ioError` if reading
    ///   fails.
    public static func load(
        directory: String, validationSize: Int = defaultValidationSize
    ) throws(DataError) -> MNISTDataSet {
        let (validation, train) = try loadTraining(directory: directory, validationSize: validationSize)
        let test = try loadTest(directory: directory)
        guard test.rows == train.rows, test.columns == train.columns else {
            throw DataError(
                kind: .malformedData, source: try locate(FileName.testImages, in: folderPrefix(directory)),
                expected: "images of \(train.rows) × \(train.columns) like the training images",
                found: "\(test.rows) × \(test.columns)")
        }
        return MNISTDataSet(checkedTrain: train, validation: validation, test: test)
    }

    /// Loads only the two test files (`t10k-…`) in `directory`.
    ///
    /// - Throws: as `load(directory:validationSize:)`, for those files.
    public static func loadTest(directory: String) throws(DataError) -> ImageSet {
        let folder = folderPrefix(directory)
        return try loadSplit(
            images: locate(FileName.testImages, in: folder), labels: locate(FileName.testLabels, in: folder))
    }

    /// Loads only the two training files in `directory` and splits them
    /// into the validation images (the first `validationSize`) and the
    /// training images (the rest).
    ///
    /// - Throws: as `load(directory:validationSize:)`, for those files.
    public static func loadTraining(
        directory: String, validationSize: Int = defaultValidationSize
    ) throws(DataError) -> (validation: ImageSet, train: ImageSet) {
        let folder = folderPrefix(directory)
        let fullTrain = try loadSplit(
            images: locate(FileName.trainImages, in: folder), labels: locate(FileName.trainLabels, in: folder))
        guard validationSize >= 0, validationSize < fullTrain.count else {
            throw DataError(
                kind: .invalidArgument, source: folder + FileName.trainImages,
                expected: "a validation size in 0..<\(fullTrain.count) (the training image count)",
                found: "\(validationSize)")
        }
        return fullTrain.split(at: validationSize)
    }

    /// `directory` with a trailing slash, ready to take a file name.
    private static func folderPrefix(_ directory: String) -> String {
        directory.hasSuffix("/") || directory.isEmpty ? directory : directory + "/"
    }

    /// Assembles splits already known to share an image size.
    init(checkedTrain train: ImageSet, validation: ImageSet, test: ImageSet) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// `folder + name + ".gz"` if that exists, else `folder + name` if that
    /// exists.
    private static func locate(_ name: String, in folder: String) throws(DataError) -> String {
        let compressed = folder + name + ".gz"
        if pathExists(compressed) { return compressed }
        let plain = folder + name
        if pathExists(plain) { return plain }
        throw DataError(
            kind: .missingInput, source: compressed,
            expected: "\(name).gz or \(name) in \(folder.isEmpty ? "the current directory" : folder)",
            found: "neither")
    }

    /// Reads one images file and one labels file and checks they match.
    private static func loadSplit(images imagesPath: String, labels labelsPath: String) throws(DataError) -> ImageSet {
        let images = try IDXReader.read(path: imagesPath)
        let pixels = try imagePixels(images, source: imagesPath)
        let labels = try IDXReader.read(path: labelsPath)
        return try pairedSet(
            images: images, pixels: pixels, imagesSource: imagesPath, labels: labels, labelsSource: labelsPath)
    }

    /// The pixels of `images` if it is a rank-3 `UInt8` array.
    static func imagePixels(_ images: IDXArray, source imagesPath: String) throws(DataError) -> [UInt8] {
        guard let pixels = images.uint8Values, images.rank == 3 else {
            throw DataError(
                kind: .malformedData, source: imagesPath,
                expected: "uint8 images of rank 3 (count, rows, columns)",
                found: "\(images.elementType) of rank \(images.rank)")
        }
        return pixels
    }

    /// One split from checked images and a labels array, after checking the
    /// labels: rank 1 `UInt8`, one per image, each in 0...9.
    static func pairedSet(
        images: IDXArray, pixels: [UInt8], imagesSource imagesPath: String,
        labels: IDXArray, labelsSource labelsPath: String
    ) throws(DataError) -> ImageSet {
        guard let labelValues = labels.uint8Values, labels.rank == 1 else {
            throw DataError(
                kind: .malformedData, source: labelsPath, expected: "uint8 labels of rank 1",
                found: "\(labels.elementType) of rank \(labels.rank)")
        }
        guard labelValues.count == images.dimensions[0] else {
            throw DataError(
                kind: .malformedData, source: labelsPath,
                expected: "\(images.dimensions[0]) labels, one per image in \(imagesPath)",
                found: "\(labelValues.count)")
        }
        if let index = ImageSet.firstInvalidLabel(labelValues) {
            throw DataError(
                kind: .malformedData, source: labelsPath,
                expected: "labels 0...\(ImageSet.classCount - 1)",
                found: "\(labelValues[index]) at index \(index)")
        }
        return ImageSet(
            validatedRows: images.dimensions[1], columns: images.dimensions[2],
            pixels: pixels, labels: labelValues)
    }
}

/// Whether anything exists at `path` (the reader reports what it is).
private func pathExists(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0
}
