/// A failure to read, validate, encode or write a safetensors file.
///
/// Every error names the file it concerns, the place inside it (a byte
/// position, a tensor and field, or an operation), what was expected there
/// and what was found, so that ``description`` is a complete one-line
/// message. ``kind`` classifies the failure for callers that map errors to
/// process exit codes.
public struct SafeTensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of a failure, with the `sysexits.h` code a command-line
    /// tool should exit with.
    public enum Kind: Sendable, Equatable, CaseIterable {
        /// The file does not exist, is not a regular file or cannot be opened
        /// for reading.
        case missingFile
        /// The bytes do not form a valid safetensors file, or lack a tensor
        /// or type the caller asked for.
        case malformed
        /// The tensors or metadata handed to the writer are inconsistent (for
        /// example a shape that does not match the data size).
        case invalidInput
        /// The destination's directory is missing or not a directory, or the
        /// destination itself is a directory.
        case cannotCreate
        /// A system call failed while reading or writing.
        case io

        /// The `sysexits.h` code for this kind: `EX_NOINPUT` (66),
        /// `EX_DATAERR` (65), `EX_CANTCREAT` (73) or `EX_IOERR` (74).
        public var exitCode: Int32 {
            switch self {
            case .missingFile: 66
            case .malformed, .invalidInput: 65
            case .cannotCreate: 73
            case .io: 74
            }
        }
    }

    /// The class of the failure.
    public var kind: Kind
    /// The file the failure concerns, as the caller spelled it.
    public var path: String
    /// Where in the file or operation the failure happened, such as
    /// `"header length"` or `"tensor \"W1\", field \"shape\""`.
    public var location: String
    /// What the reader or writer required at ``location``.
    public var expected: String
    /// What it found instead.
    public var found: String

    /// Creates an error; all fields are free text and none may be relied on
    /// by programs except ``kind``.
    public init(kind: Kind, path: String, location: String, expected: String, found: String) {
        self.kind = kind
        self.path = path
        self.location = location
        self.expected = expected
        self.found = found
    }

    /// `"<path>: <location>: expected <expected>, found <found>"` on one line.
    public var description: String {
        "\(path): \(location): expected \(expected), found \(found)"
    }
}
