import Foundation
import NCENetwork

/// Where checkpoints go by default, and the checks that keep `train` from
/// destroying a file: done before any data is read, so that a path that
/// cannot be written fails in the first second.
enum CheckpointPaths {
    static let runsFolder = "runs"

    /// Checks that `path` can take a checkpoint: its folder exists or can
    /// be created and accepts a new file, and `path` is free or (with
    /// `overwrite`) holds a mnist-nce checkpoint.
    static func checkWritable(_ path: String, overwrite: Bool) throws(CommandFailure) {
        var status = stat()
        if stat(path, &status) == 0 {
            if status.st_mode & S_IFMT == S_IFDIR {
                throw CommandFailure("\(path): expected a checkpoint file path, found a folder", status: CommandFailure.cannotCreate)
            }
            do {
                _ = try Checkpoint.load(path: path, maxBatch: 1, threads: 1, memoryLimit: SystemMemory.availableBytes())
            } catch {
                throw CommandFailure(
                    "\(path): expected a new checkpoint path, found a file that is not a mnist-nce checkpoint "
                        + "(\(error.description)); refusing to replace it, choose another --output",
                    status: CommandFailure.cannotCreate)
            }
            guard overwrite else {
                throw CommandFailure(
                    "\(path): expected a new checkpoint path, found an existing checkpoint; "
                        + "pass --overwrite to replace it, or choose another --output",
                    status: CommandFailure.cannotCreate)
            }
        }
        try probeFolder(of: path)
    }

    /// Reserves a new default path, `runs/<yyyyMMdd-HHmmss>-<loss>[-s<N>].safetensors`
    /// (local time), by creating it empty and exclusively; a name taken by
    /// another run gets `-2`, `-3`, … before the extension.
    static func reserveDefault(_ configuration: TrainingConfiguration) throws(CommandFailure) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        var stem = "\(formatter.string(from: Date()))-\(configuration.loss.rawValue)"
        if configuration.loss != .softmax { stem += "-s\(configuration.numSampled)" }
        try createFolder(runsFolder, for: "\(runsFolder)/\(stem).safetensors")
        for attempt in 1...1_000 {
            let path = "\(runsFolder)/\(stem)\(attempt == 1 ? "" : "-\(attempt)").safetensors"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                close(descriptor)
                return path
            }
            guard errno == EEXIST else {
                throw CommandFailure(
                    "\(path): expected a new checkpoint file, found that it cannot be created (\(String(cString: strerror(errno))))",
                    status: CommandFailure.cannotCreate)
            }
        }
        throw CommandFailure(
            "\(runsFolder)/\(stem).safetensors: expected a free name, found 1,000 taken; pass --output",
            status: CommandFailure.cannotCreate)
    }

    /// Removes a reserved default path that never received a checkpoint.
    static func releaseIfEmpty(_ path: String) {
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size == 0 {
            unlink(path)
        }
    }

    /// Creates `path`'s folder if needed and checks a file can be created
    /// in it, by creating and removing one.
    static func probeFolder(of path: String) throws(CommandFailure) {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        try createFolder(directory, for: path)
        var template = Array("\(directory)/.mnist-nce-probe-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw CommandFailure(
                "\(path): expected a folder where files can be created, found that \(directory) refuses them "
                    + "(\(String(cString: strerror(errno))))",
                status: CommandFailure.cannotCreate)
        }
        close(descriptor)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    }

    /// `mkdir -p folder`, as a one-line failure naming `path`.
    private static func createFolder(_ folder: String, for path: String) throws(CommandFailure) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            var blocker = folder
            var isDirectory: ObjCBool = false
            while !blocker.isEmpty, blocker != "/" {
                if FileManager.default.fileExists(atPath: blocker, isDirectory: &isDirectory) { break }
                blocker = (blocker as NSString).deletingLastPathComponent
            }
            let found = FileManager.default.fileExists(atPath: blocker, isDirectory: &isDirectory) && !isDirectory.boolValue
                ? "\(blocker) is a file" : "it cannot be created"
            throw CommandFailure(
                "\(path): expected a folder \(folder) for the output, found \(found)", status: CommandFailure.cannotCreate)
        }
    }

    /// The most recently modified checkpoint in `runs/`, skipping empty
    /// files (names reserved by runs that have not finished an epoch).
    static func newest() throws(CommandFailure) -> String {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: runsFolder)) ?? []
        var best: (path: String, date: Date)?
        for name in names where name.hasSuffix(".safetensors") {
            let path = "\(runsFolder)/\(name)"
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                  let date = attributes[.modificationDate] as? Date,
                  (attributes[.size] as? NSNumber)?.intValue ?? 0 > 0
            else { continue }
            if let current = best, current.date > date || (current.date == date && current.path > path) {
                continue
            }
            best = (path, date)
        }
        guard let best else {
            throw CommandFailure(
                "\(runsFolder)/: expected a checkpoint written by `mnist-nce train`, found none; pass --checkpoint PATH",
                status: CommandFailure.noInput)
        }
        return best.path
    }
}
