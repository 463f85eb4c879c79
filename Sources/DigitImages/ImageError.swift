/// A failure to read, decode or prepare an image, saying which file, what
/// was expected and what was found.
///
/// The `description` is one line, for example
/// `scan.pgm: expected a maxval of 1 to 65535, found 70000`.
public struct ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The broad class of a failure; a command-line tool maps it to an exit
    /// status (suggested `sysexits.h` statuses given per case).
    public enum Kind: Equatable, Sendable {
        /// The file does not exist, is not a regular file or may not be
        /// opened (66, `EX_NOINPUT`).
        case missingInput
        /// The file's contents are not an image this library reads, break
        /// their format, exceed the size limits or show no digit (65,
        /// `EX_DATAERR`).
        case malformedData
        /// Reading an opened file failed, or memory for its pixels could
        /// not be had (74, `EX_IOERR`).
        case ioError
    }

    public let kind: Kind
    /// The file the failure concerns, as the caller named it.
    public let source: String
    public let expected: String
    public let found: String

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

    /// A `.malformedData` error.
    static func malformed(_ source: String, expected: String, found: String) -> ImageError {
        ImageError(kind: .malformedData, source: source, expected: expected, found: found)
    }
}
