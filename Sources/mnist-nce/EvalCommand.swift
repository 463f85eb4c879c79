import ArgumentParser
import Foundation
import MNISTData
import NCENetwork

/// `mnist-nce eval`: accuracy of a checkpoint on the test or validation split.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a checkpoint: accuracy by argmax of embed·Wᵀ+b, per class, and the confusion matrix.")

    enum Split: String, ExpressibleByArgument, CaseIterable {
        case test, validation
    }

    @Option(help: "Checkpoint to evaluate (default: the newest in runs/).")
    var checkpoint: String?
    @Option(help: "Split to evaluate: test or validation.")
    var split = Split.test
    @Option(help: "Folder with the four MNIST-layout files (.gz or raw).")
    var dataDir = "data/mnist"
    @Option(parsing: .unconditional, help: "Validation images held out (default: as the checkpoint was trained).")
    var validationSize: Int?
    @Option(parsing: .unconditional, help: "Threads for the hidden layer and BLAS.")
    var threads = 2
    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if let validationSize, validationSize < 0 {
            throw ValidationError("--validation-size must be 0 or more, got \(validationSize)")
        }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256, got \(threads)") }
    }

    func run() throws {
        let path = try checkpoint ?? CheckpointPaths.newest()
        let saved: Checkpoint
        do {
            saved = try Checkpoint.load(path: path, threads: threads)
        } catch {
            throw CommandFailure(error)
        }
        var runtime = saved.configuration
        runtime.threads = threads
        BLASThreads.set(runtime.blasThreads)
        let dataOptions = try DataOptions.parse(["--data-dir", dataDir])
        let set = try dataOptions.load(validationSize: validationSize ?? saved.configuration.validationSize)
        let images = split == .test ? set.test : set.validation
        guard images.pixelsPerImage == saved.configuration.model.inputSize else {
            throw CommandFailure(
                "\(dataDir): expected images of \(saved.configuration.model.inputSize) pixels for this checkpoint, found \(images.pixelsPerImage)",
                status: CommandFailure.dataError)
        }
        let result = Evaluator(network: saved.network).evaluate(images)
        if json {
            print(Self.resultJSON(result, path: path, split: split, checkpoint: saved))
        } else {
            print(Self.report(result, path: path, split: split, checkpoint: saved))
        }
    }

    static func resultJSON(_ r: EvaluationResult, path: String, split: Split, checkpoint c: Checkpoint) -> String {
        let object: [String: Any] = [
            "checkpoint": path, "split": split.rawValue, "count": r.count, "correct": r.correct,
            "accuracy": r.accuracy,
            "per_class_accuracy": r.perClassAccuracy.map { $0.map { $0 as Any } ?? NSNull() },
            "confusion": r.confusion,
            "loss": c.configuration.loss.rawValue, "num_sampled": c.configuration.numSampled,
            "epoch": c.epoch,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func report(_ r: EvaluationResult, path: String, split: Split, checkpoint c: Checkpoint) -> String {
        let conf = c.configuration
        var loss = conf.loss.rawValue
        if conf.loss != .softmax { loss += ", num_sampled \(conf.numSampled)" }
        var lines = [
            "checkpoint \(path) (\(loss), epoch \(c.epoch))",
            String(format: "%@ accuracy %.2f%% (%d / %d)", split.rawValue, r.accuracy * 100, r.correct, r.count),
            "per class:",
        ]
        for (label, accuracy) in r.perClassAccuracy.enumerated() {
            lines.append("  \(label): " + (accuracy.map { String(format: "%6.2f%%", $0 * 100) } ?? "   n/a"))
        }
        lines.append("confusion matrix (rows: label, columns: predicted):")
        let width = max(5, String(r.confusion.flatMap { $0 }.max() ?? 0).count + 1)
        lines.append("    " + (0..<r.confusion.count).map { String($0).leftPadded(width) }.joined())
        for (label, row) in r.confusion.enumerated() {
            lines.append(String(label).leftPadded(3) + " " + row.map { String($0).leftPadded(width) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
