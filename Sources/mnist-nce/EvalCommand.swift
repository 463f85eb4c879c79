import ArgumentParser
import Foundation
import MNISTData
import NCENetwork

/// `mnist-nce eval`: accuracy of a checkpoint on the test or validation split.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a checkpoint: accuracy (argmax of embed·Wᵀ+b), per class, confusion matrix, and NLL, ECE and log Z.",
        discussion: """
            Without --data-dir, the folder the checkpoint was trained on is used \
            when it still exists (else data/mnist), and data whose fingerprint \
            (image size, counts, SHA-256 of the test files) differs from the \
            training data is refused. With --data-dir, a difference is a warning. \
            The test split needs only the two t10k files.

            Beside accuracy it reports, from the softmax of embed·Wᵀ+b: nll, the \
            mean negative log-likelihood of the labels (nats); ece, the expected \
            calibration error over \(SoftmaxStatistics.defaultBinCount) equal-width \
            bins of the top probability; and the mean and standard deviation over \
            the split of log Z = log Σ_k exp(logit_k), which is near 0 when the \
            scores normalise themselves.
            """)

    enum Split: String, ExpressibleByArgument, CaseIterable {
        case test, validation
    }

    @Option(help: "Checkpoint to evaluate (default: the newest in runs/).")
    var checkpoint: String?
    @Option(help: "Split to evaluate: test or validation.")
    var split = Split.test
    @Option(help: "Folder with the MNIST-layout files (default: the folder the checkpoint was trained on).")
    var dataDir: String?
    @Option(parsing: .unconditional, help: "Validation images held out (default: as the checkpoint was trained).")
    var validationSize: Int?
    @Option(parsing: .unconditional, help: "Threads for the hidden layer and BLAS (default: the cores this process may use).")
    var threads = TrainingConfiguration().threads
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
            saved = try Checkpoint.load(path: path, threads: threads, memoryLimit: SystemMemory.availableBytes())
        } catch {
            throw CommandFailure(error)
        }
        var runtime = saved.configuration
        runtime.threads = threads
        BLASThreads.set(runtime.blasThreads)
        let folder = dataFolder(for: saved)
        let images = try load(from: folder, for: saved)
        let result = Evaluator(network: saved.network).evaluate(images)
        if json {
            print(Self.resultJSON(result, path: path, split: split, checkpoint: saved))
        } else {
            print(Self.report(result, path: path, split: split, checkpoint: saved))
        }
    }

    /// `--data-dir`, else the folder the checkpoint recorded if it still
    /// exists, else the bundled data's folder.
    func dataFolder(for saved: Checkpoint) -> String {
        if let dataDir { return dataDir }
        var isDirectory: ObjCBool = false
        if let recorded = saved.dataSource?.directory,
           FileManager.default.fileExists(atPath: recorded, isDirectory: &isDirectory), isDirectory.boolValue {
            return recorded
        }
        return DataOptions.defaultDataDir
    }

    /// Loads the chosen split from `folder` and checks it against the
    /// checkpoint: input size, a non-empty split, and the data fingerprint.
    func load(from folder: String, for saved: Checkpoint) throws(CommandFailure) -> ImageSet {
        try Self.load(split, from: folder, validationSize: validationSize, chosenFolder: dataDir != nil, for: saved)
    }

    /// Loads `split` from `folder` and checks it against the checkpoint.
    ///
    /// - Parameters:
    ///   - validationSize: images held out; nil takes the checkpoint's.
    ///   - chosenFolder: the user named `folder`, so data other than the
    ///     checkpoint's is a warning on stderr rather than an error.
    static func load(
        _ split: Split, from folder: String, validationSize: Int?, chosenFolder: Bool, for saved: Checkpoint
    ) throws(CommandFailure) -> ImageSet {
        let images: ImageSet
        var trainCount: Int?
        do {
            switch split {
            case .test:
                images = try MNISTDataSet.loadTest(directory: folder)
            case .validation:
                let size = validationSize ?? saved.configuration.validationSize
                let parts = try MNISTDataSet.loadTraining(directory: folder, validationSize: size)
                images = parts.validation
                trainCount = parts.validation.count + parts.train.count
                guard size > 0 else {
                    throw CommandFailure(
                        "expected a validation split of at least one image, found --validation-size 0"
                            + (validationSize == nil ? " (as the checkpoint was trained); pass --validation-size N" : ""),
                        status: CommandFailure.usage)
                }
            }
        } catch let error as DataError {
            throw CommandFailure(error)
        } catch {
            throw CommandFailure.from(error)
        }
        guard images.count > 0 else {
            throw CommandFailure("\(folder): expected at least one \(split.rawValue) image, found none", status: CommandFailure.dataError)
        }
        let model = saved.configuration.model
        // An MLP reads flat pixels; the CNN needs the very rows and columns.
        let fits = model.kind == .mlp
            ? images.pixelsPerImage == model.inputSize
            : images.rows == model.imageHeight && images.columns == model.imageWidth
        guard fits else {
            throw CommandFailure(
                "\(folder): expected images of \(model.imageHeight)×\(model.imageWidth) = \(model.inputSize) pixels "
                    + "for this checkpoint, found \(images.rows)×\(images.columns) = \(images.pixelsPerImage)",
                status: CommandFailure.dataError)
        }
        if let recorded = saved.dataSource?.fingerprint,
           let difference = recorded.mismatch(
               rows: images.rows, columns: images.columns, trainCount: trainCount,
               test: split == .test ? images : nil) {
            let message = "\(folder): expected the data this checkpoint was trained on "
                + "(\(saved.dataSource?.directory ?? "")), found other data: expected \(difference)"
            guard chosenFolder else {
                throw CommandFailure(message + "; pass --data-dir to evaluate on it anyway", status: CommandFailure.dataError)
            }
            FileHandle.standardError.write(Data("mnist-nce: warning: \(message)\n".utf8))
        }
        return images
    }

    /// Wrong (label, prediction) pairs listed when the full confusion
    /// matrix is not shown.
    static let listedConfusions = 20

    static func resultJSON(_ r: EvaluationResult, path: String, split: Split, checkpoint c: Checkpoint) -> String {
        var object: [String: Any] = [
            "checkpoint": path, "split": split.rawValue, "count": r.count, "correct": r.correct,
            "accuracy": r.accuracy, "classes": r.classCount,
            // NaN or infinite figures (from logits that overflow Float) are
            // null: JSON has no number for them.
            "nll": jsonNumber(r.softmax.meanNegativeLogLikelihood),
            "ece": jsonNumber(r.softmax.expectedCalibrationError),
            "log_partition_mean": jsonNumber(r.softmax.logPartitionMean),
            "log_partition_sd": jsonNumber(r.softmax.logPartitionStandardDeviation),
            "top_confusions": r.mostFrequentConfusions(limit: listedConfusions).map {
                ["label": $0.label, "predicted": $0.predicted, "count": $0.count]
            },
            "model": c.configuration.model.kind.rawValue,
            "loss": c.configuration.loss.rawValue, "num_sampled": c.configuration.numSampled,
            "epoch": c.epoch,
        ]
        let perClass = r.perClassAccuracy
        if let confusion = r.confusion {
            // Small models: every class, null for one without images, and the matrix.
            var accuracies = [Any](repeating: NSNull(), count: r.classCount)
            for (label, accuracy) in perClass { accuracies[label] = accuracy }
            object["per_class_accuracy"] = accuracies
            object["confusion"] = confusion
        } else {
            object["per_class_accuracy"] = Dictionary(uniqueKeysWithValues: perClass.map { (String($0.label), $0.accuracy) })
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func report(_ r: EvaluationResult, path: String, split: Split, checkpoint c: Checkpoint) -> String {
        let conf = c.configuration
        var loss = conf.loss.rawValue
        if conf.loss != .softmax { loss += ", num_sampled \(conf.numSampled)" }
        var lines = [
            "checkpoint \(path) (\(conf.model.kind.rawValue), \(loss), epoch \(c.epoch))",
            String(format: "%@ accuracy %.2f%% (%d / %d)", split.rawValue, r.accuracy * 100, r.correct, r.count),
            String(
                format: "nll %.4f (mean negative log-likelihood, nats)  ece %.4f (%d bins)",
                r.softmax.meanNegativeLogLikelihood, r.softmax.expectedCalibrationError,
                SoftmaxStatistics.defaultBinCount),
            String(
                format: "log Z = log Σ exp(logit): mean %.4f, sd %.4f", r.softmax.logPartitionMean,
                r.softmax.logPartitionStandardDeviation),
        ]
        let perClass = r.perClassAccuracy
        guard let confusion = r.confusion else {
            // Many classes: only those with images, and the commonest mistakes.
            lines.append("per class (the \(perClass.count) of \(r.classCount) classes with images):")
            for (label, accuracy) in perClass {
                lines.append("  \(label): " + String(format: "%6.2f%%", accuracy * 100))
            }
            let listed = r.mostFrequentConfusions(limit: listedConfusions)
            lines.append(
                "most frequent confusions (label -> predicted: images; the full matrix is shown "
                    + "for at most \(EvaluationResult.fullConfusionLimit) classes):")
            lines += listed.map { "  \($0.label) -> \($0.predicted): \($0.count)" }
            if listed.isEmpty { lines.append("  none") }
            return lines.joined(separator: "\n")
        }
        lines.append("per class:")
        var accuracies = [Double?](repeating: nil, count: r.classCount)
        for (label, accuracy) in perClass { accuracies[label] = accuracy }
        for (label, accuracy) in accuracies.enumerated() {
            lines.append("  \(label): " + (accuracy.map { String(format: "%6.2f%%", $0 * 100) } ?? "   n/a"))
        }
        lines.append("confusion matrix (rows: label, columns: predicted):")
        let width = max(5, String(confusion.flatMap { $0 }.max() ?? 0).count + 1)
        lines.append("    " + (0..<confusion.count).map { String($0).leftPadded(width) }.joined())
        for (label, row) in confusion.enumerated() {
            lines.append(String(label).leftPadded(3) + " " + row.map { String($0).leftPadded(width) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

/// `value` for JSONSerialization, or null when it is NaN or infinite.
func jsonNumber(_ value: Double) -> Any {
    value.isFinite ? value : NSNull()
}
