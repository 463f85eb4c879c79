/// A failure to read or validate a data file, saying where it happened, what
/// the reader expected and what it found.
///
/// The `description` is one line of the form
/// `data/mnist/train-images-idx3-ubyte.gz: expected IDX magic 0x00 0x00 in bytes 0-1, found 0x1f 0x8c`.
/// `kind` lets a caller decide how to react (a command-line tool, for
/// instance, maps it to an exit status) without parsing the text.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The broad class of a failure.
    ///
    /// The suggested `sysexits.h` statuses are given per case; the library
    /// itself never ends a process.
    public enum Kind: Equatable, Sendable {
        /// The input does not exist, is not a regular file or may not be
        /// opened (suggested exit status 66, `EX_NOINPUT`).
        case missingInput
        /// The input exists but its contents break the format or the data
        /// set's rules (suggested exit status 65, `EX_DATAERR`).
        case malformedData
        /// The operating system failed while reading an opened input
        /// (suggested exit status 74, `EX_IOERR`).
        case ioError
        /// A caller-supplied setting cannot be honoured for this data, such
        /// as a validation split at least as large as the training set
        /// (suggested exit status 64, `EX_USAGE`).
        case invalidArgument
    }

    /// The broad class of the failure.
    public let kind: Kind
    /// The file (or, for in-memory data, the value) the failure concerns,
    /// exactly as the caller named it.
    public let source: String
    /// What the reader required, including where in the input (byte range,
    /// field, index) when that is known.
    public let expected: String
    /// What the reader found instead.
    public let found: String

    /// Creates an error; all strings are used verbatim in `description`.
    public init(kind: Kind, source: String, expected: String, found: String) {
        self.kind = kind
        self.source = source
        self.expected = expected
        self.found = found
    }

    /// `source: expected …, found …` on one line.
    public var description: String {
        "\(source): expected \(expected), found \(found)"
    }
}
