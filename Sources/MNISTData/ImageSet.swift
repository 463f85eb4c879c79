/// One split of an image-classification data set: `count` grey-scale
/// images of `rows` × `columns` bytes and their class labels.
///
/// Pixels stay as the bytes in the file (0 is background, 255 ink for
/// MNIST); converting to floating point is left to the consumer.
public struct ImageSet: Equatable, Sendable {
    /// The number of classes a label can name; labels are 0..<classCount.
    public static let classCount = 10

    /// Number of images; may be 0 (an empty validation split).
    public let count: Int
    /// Pixel rows per image, at least 1.
    public let rows: Int
    /// Pixel columns per image, at least 1.
    public let columns: Int
    /// `count × rows × columns` pixels: image-major, then row-major.
    public let pixels: [UInt8]
    /// `count` labels, each in `0..<classCount`.
    public let labels: [UInt8]

    /// Pixels in one image: `rows × columns`.
    public var pixelsPerImage: Int { rows * columns }

    /// Creates a split after checking that the buffers agree.
    ///
    /// - Throws: `DataError` of kind `.invalidArgument` naming `source` if
    ///   `rows` or `columns` is below 1, `pixels.count` differs from
    ///   `labels.count × rows × columns`, or a label is 10 or more (the
    ///   error names the first such index).
    public init(
        rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8], source: String = "ImageSet"
    ) throws(DataError) {
        guard rows >= 1, columns >= 1 else {
            throw DataError(
                kind: .invalidArgument, source: source, expected: "rows and columns at least 1",
                found: "\(rows) × \(columns)")
        }
        let (perImage, o1) = rows.multipliedReportingOverflow(by: columns)
        let (needed, o2) = perImage.multipliedReportingOverflow(by: labels.count)
        guard !o1, !o2, needed == pixels.count else {
            throw DataError(
                kind: .invalidArgument, source: source,
                expected: "\(labels.count) images × \(rows) × \(columns) pixels",
                found: "\(pixels.count) pixels")
        }
        if let index = Self.firstInvalidLabel(labels) {
            throw DataError(
                kind: .invalidArgument, source: source,
                expected: "labels 0...\(Self.classCount - 1)",
                found: "\(labels[index]) at index \(index)")
        }
        self.init(validatedRows: rows, columns: columns, pixels: pixels, labels: labels)
    }

    /// Builds a split from buffers the caller has already checked.
    init(validatedRows rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
        self.count = labels.count
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
        self.labels = labels
    }

    /// How many images carry each label: `classCount` entries summing to
    /// `count`.
    public func labelCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: Self.classCount)
        for label in labels {
            counts[Int(label)] += 1
        }
        return counts
    }

    /// The index of the first label outside `0..<classCount`, if any.
    static func firstInvalidLabel(_ labels: [UInt8]) -> Int? {
        labels.firstIndex { $0 >= classCount }
    }
}
