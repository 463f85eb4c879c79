import Foundation
import NCENetwork

/// The `mnist-nce train` options that reproduce a configuration: what
/// `sweep --list` prints, and what a sweep compares to tell whether a
/// folder holds the same sweep.
enum TrainArguments {
    /// One option as it is written: a key naming it whatever its form
    /// (`--unique` and `--no-unique` share one), and its words.
    struct Setting: Equatable {
        let key: String
        let words: [String]
        var text: String { words.joined(separator: " ") }
    }

    /// The options shared by every run of a sweep, in `train --help`'s
    /// order; `dataDir` should be absolute so the line runs anywhere.
    static func recipe(_ c: TrainingConfiguration, dataDir: String) -> [Setting] {
        var settings = [
            Setting(key: "model", words: ["--model", c.model.kind.rawValue]),
            Setting(key: "sampler", words: ["--sampler", c.sampler.rawValue]),
            Setting(key: "unique", words: [c.uniqueSamples ? "--unique" : "--no-unique"]),
        ]
        if let hits = c.removeAccidentalHits {
            settings.append(Setting(
                key: "remove-accidental-hits",
                words: [hits ? "--remove-accidental-hits" : "--no-remove-accidental-hits"]))
        }
        settings += [
            Setting(key: "hidden", words: ["--hidden", String(c.model.hiddenUnits)]),
            Setting(key: "epochs", words: ["--epochs", String(c.epochs)]),
        ]
        if let steps = c.steps { settings.append(Setting(key: "steps", words: ["--steps", String(steps)])) }
        settings += [
            Setting(key: "batch-size", words: ["--batch-size", String(c.batchSize)]),
            Setting(key: "learning-rate", words: ["--learning-rate", "\(c.learningRate)"]),
            Setting(key: "schedule", words: ["--schedule", c.schedule.rawValue]),
            Setting(key: "dropout", words: ["--dropout", "\(c.dropout)"]),
            Setting(key: "optimizer", words: ["--optimizer", c.optimizer.rawValue]),
            Setting(key: "threads", words: ["--threads", String(c.threads)]),
            Setting(key: "hidden-kernel", words: ["--hidden-kernel", c.hiddenKernel.rawValue]),
            Setting(key: "data-dir", words: ["--data-dir", dataDir]),
            Setting(key: "validation-size", words: ["--validation-size", String(c.validationSize)]),
        ]
        return settings
    }

    /// The whole argument list of `train` for one run of a sweep, writing
    /// its checkpoint and metrics to the given paths and replacing files a
    /// previous attempt left there.
    static func run(_ c: TrainingConfiguration, dataDir: String, output: String, metrics: String) -> [String] {
        var words = ["train", "--loss", c.loss.rawValue]
        if c.loss != .softmax { words += ["--num-sampled", String(c.numSampled)] }
        words += ["--seed", String(c.seed)]
        words += recipe(c, dataDir: dataDir).flatMap(\.words)
        words += ["--output", output, "--metrics", metrics, "--overwrite"]
        return words
    }

    /// The first option whose value differs between two recipes, as
    /// "--epochs 3 there, --epochs 20 here", or nil when they agree.
    static func firstDifference(there: [Setting], here: [Setting]) -> String? {
        let keys = (there + here).map(\.key).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for key in keys {
            let a = there.first { $0.key == key }, b = here.first { $0.key == key }
            if a != b {
                return "\(a?.text ?? "no --\(key)") there, \(b?.text ?? "no --\(key)") here"
            }
        }
        return nil
    }

    /// `words` as one line for a POSIX shell: words of safe characters as
    /// they are, others in single quotes.
    static func shellLine(_ words: [String]) -> String {
        words.map(shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !word.isEmpty && word.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
