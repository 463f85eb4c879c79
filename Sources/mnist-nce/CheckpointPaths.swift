import Foundation
import NCENetwork

/// Where checkpoints go by default, and the checks that keep `train` from
/// overwriting a file that is not a checkpoint.
enum CheckpointPaths {
    static let runsFolder = "runs"

    /// Succeeds when `path` is free or holds a mnist-nce checkpoint (which a
    /// new run may replace); refuses any other existing file or a folder.
    static func checkReplaceable(_ path: String) throws(CommandFailure) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        if isDirectory.boolValue {
            throw CommandFailure("\(path): expected a checkpoint file path, found a folder", status: CommandFailure.cannotCreate)
        }
        do {
            _ = try Checkpoint.load(path: path, maxBatch: 1)
        } catch {
            throw CommandFailure(
                "\(path): refusing to overwrite a file that is not a mnist-nce checkpoint (\(error.description)); choose another --output",
                status: CommandFailure.cannotCreate)
        }
    }

    /// The most recently modified `.safetensors` file in `runs/`.
    static func newest() throws(CommandFailure) -> String {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: runsFolder)) ?? []
        var best: (path: String, date: Date)?
        for name in names where name.hasSuffix(".safetensors") {
            let path = "\(runsFolder)/\(name)"
            guard let date = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { continue }
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
