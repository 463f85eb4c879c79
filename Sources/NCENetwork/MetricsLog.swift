#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A failure to open or write the metrics file.
public struct MetricsWriteError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let expected: String
    public let found: String
    /// True when the file could not be created or is not ours to replace
    /// (`sysexits` 73), false for a failed write (74).
    public let cannotCreate: Bool
    public var description: String { "\(path): expected \(expected), found \(found)" }
}

/// The per-epoch metrics file: one JSON object per line, appended and
/// flushed to disk as each epoch ends, so an interrupted run keeps every
/// line written before it stopped.
///
/// Every line carries `"format": "mnist-nce-metrics"`; that is how a file
/// is recognised as one this tool may append to or replace.
public final class MetricsLog {
    /// The `format` field of every line.
    public static let formatName = "mnist-nce-metrics"

    /// How an existing file at the path is treated.
    public enum Mode: Sendable {
        /// Create a new file; any existing file is refused.
        case create
        /// Replace an existing metrics file (never another kind of file).
        case overwrite
        /// Append to an existing metrics file (never another kind of file).
        case append
    }

    public let path: String
    private let descriptor: Int32
    /// Whether this log created the file (so an unused one can be removed).
    private let created: Bool
    private var linesWritten = 0

    /// Opens the file at `path` for `mode`, creating missing parent folders.
    ///
    /// - Throws: `MetricsWriteError` (cannot create) when the file exists
    ///   and `mode` is `.create`, when it exists and is not a metrics file,
    ///   or when it cannot be created or opened.
    public init(path: String, mode: Mode) throws(MetricsWriteError) {
        self.path = path
        var status = stat()
        let exists = stat(path, &status) == 0
        if exists {
            guard status.st_mode & S_IFMT == S_IFREG else {
                throw Self.refusal(path, found: status.st_mode & S_IFMT == S_IFDIR ? "a folder" : "a special file")
            }
            guard Self.isMetricsFile(path) else {
                throw Self.refusal(path, found: "an existing file that is not a mnist-nce metrics file; refusing to replace it")
            }
            if mode == .create {
                throw Self.refusal(
                    path, found: "an existing metrics file; pass --overwrite to replace it, or choose another --metrics")
            }
        }
        try Self.createParent(of: path)
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC
        switch mode {
        case .create: flags |= O_EXCL
        case .overwrite: flags |= O_TRUNC
        case .append: flags |= O_APPEND
        }
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            throw MetricsWriteError(
                path: path, expected: "a metrics file that can be created",
                found: "that it cannot be created (\(String(cString: strerror(errno))))", cannotCreate: true)
        }
        self.descriptor = descriptor
        created = !exists
    }

    deinit { close(descriptor) }

    /// Appends one epoch's figures as a JSON line and flushes it to disk.
    public func append(_ report: EpochReport) throws(MetricsWriteError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(Line(format: Self.formatName, report: report)) else {
            throw MetricsWriteError(path: path, expected: "a JSON line", found: "figures that do not encode", cannotCreate: false)
        }
        let bytes = [UInt8](data) + [0x0A]
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw MetricsWriteError(
                    path: path, expected: "a metrics line written", found: String(cString: strerror(errno)),
                    cannotCreate: false)
            }
            written += n
        }
        guard fsync(descriptor) == 0 else {
            throw MetricsWriteError(
                path: path, expected: "a metrics line flushed to disk", found: String(cString: strerror(errno)),
                cannotCreate: false)
        }
        linesWritten += 1
    }

    /// Cuts the file after the last line of epoch `epoch` or earlier, so a
    /// resumed run does not repeat the lines of epochs it trains again. A
    /// line for a later epoch (written just before the interruption) and
    /// everything after it go.
    public func discardLines(afterEpoch epoch: Int) throws(MetricsWriteError) {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw MetricsWriteError(
                path: path, expected: "a readable metrics file", found: "one that cannot be read", cannotCreate: false)
        }
        var keep = 0
        var lineStart = contents.startIndex
        while lineStart < contents.endIndex {
            guard let newline = contents[lineStart...].firstIndex(of: 0x0A) else { break }
            let line = contents[lineStart..<newline]
            let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            if let lineEpoch = object?["epoch"] as? Int, lineEpoch > epoch { break }
            lineStart = newline + 1
            keep = lineStart - contents.startIndex
        }
        guard keep < contents.count else { return }
        guard ftruncate(descriptor, off_t(keep)) == 0, fsync(descriptor) == 0 else {
            throw MetricsWriteError(
                path: path, expected: "the lines after epoch \(epoch) removed", found: String(cString: strerror(errno)),
                cannotCreate: false)
        }
    }

    /// Removes the file if this log created it and wrote nothing to it.
    public func removeIfUnused() {
        if created && linesWritten == 0 { unlink(path) }
    }

    /// Whether `path` holds a file this tool wrote: empty, or a first line
    /// that is a JSON object with `"format": "mnist-nce-metrics"`.
    public static func isMetricsFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        if head.isEmpty { return true }
        let firstLine = head.prefix { $0 != 0x0A }
        guard let object = try? JSONSerialization.jsonObject(with: Data(firstLine)) as? [String: Any] else { return false }
        return object["format"] as? String == formatName
    }

    private static func refusal(_ path: String, found: String) -> MetricsWriteError {
        MetricsWriteError(path: path, expected: "a new metrics file path", found: found, cannotCreate: true)
    }

    private static func createParent(of path: String) throws(MetricsWriteError) {
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw MetricsWriteError(
                path: path, expected: "a folder that can be created for the metrics file",
                found: "\(parent) cannot be created", cannotCreate: true)
        }
    }

    /// One line: the format marker beside the epoch's fields.
    private struct Line: Encodable {
        let format: String
        let report: EpochReport

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(format, forKey: Key("format"))
            try report.encode(to: encoder)
        }

        struct Key: CodingKey {
            let stringValue: String
            init(_ string: String) { stringValue = string }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
    }
}
