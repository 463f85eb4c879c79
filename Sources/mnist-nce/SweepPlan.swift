import ArgumentParser
import Foundation
import NCENetwork

/// The runs of a sweep: every configuration (NCE at each num_sampled,
/// sampled softmax at each, softmax) for each seed, seed by seed, so that
/// every configuration has a run early on.
struct SweepPlan {
    struct Run {
        /// 1-based place in the sweep.
        let index: Int
        let configuration: TrainingConfiguration
        /// "nce-s3-seed1", "softmax-seed2": the stem of its files.
        var name: String {
            let c = configuration
            return c.loss.rawValue + (c.loss == .softmax ? "" : "-s\(c.numSampled)") + "-seed\(c.seed)"
        }

        /// "nce num_sampled 3, seed 1", as the progress lines name it.
        var title: String {
            let c = configuration
            return c.loss.rawValue + (c.loss == .softmax ? "" : " num_sampled \(c.numSampled)") + ", seed \(c.seed)"
        }
    }

    let runs: [Run]
    /// Distinct configurations (a run's configuration without its seed).
    let configurationCount: Int

    /// - Parameter recipe: the shared configuration; its loss, negatives
    ///   and seed are replaced per run.
    init(recipe: TrainingConfiguration, numSampled: [Int], softmax: Bool, sampledSoftmax: Bool, seeds: [UInt64]) {
        var losses: [(LossKind, Int)] = numSampled.map { (.nce, $0) }
        if sampledSoftmax { losses += numSampled.map { (.sampledSoftmax, $0) } }
        if softmax { losses.append((.softmax, 1)) }
        var runs: [Run] = []
        for seed in seeds {
            for (loss, negatives) in losses {
                var c = recipe
                c.loss = loss
                c.numSampled = negatives
                c.seed = seed
                runs.append(Run(index: runs.count + 1, configuration: c))
            }
        }
        self.runs = runs
        configurationCount = losses.count
    }

    /// Parses a comma-separated list of whole numbers at least `minimum`,
    /// each at most once, for the option `name`.
    static func parseList<Number: FixedWidthInteger>(
        _ text: String, option name: String, minimum: Number, example: String
    ) throws -> [Number] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !(items.count == 1 && items[0].isEmpty) else {
            throw ValidationError("\(name) expects a list such as \(example), found an empty one")
        }
        var values: [Number] = []
        for item in items {
            guard let value = Number(item) else {
                let whole = item == text ? "" : " in \(text.debugDescription)"
                throw ValidationError(
                    "\(name) expects whole numbers separated by commas, such as \(example), found \(item.debugDescription)\(whole)")
            }
            guard value >= minimum else {
                throw ValidationError("\(name) values must be at least \(minimum), found \(value) in \(text.debugDescription)")
            }
            guard !values.contains(value) else {
                throw ValidationError("\(name) lists \(value) twice in \(text.debugDescription)")
            }
            values.append(value)
        }
        return values
    }
}
