import ArgumentParser
import Foundation
import NCENetwork

/// The `mnist-nce` command: trains and evaluates an MNIST classifier whose
/// output layer is learned with noise-contrastive estimation or softmax.
@main
struct MNISTNCE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist-nce",
        abstract: "Train and evaluate an MNIST classifier with NCE (as tf.nn.nce_loss) or softmax.",
        discussion: """
            Exit statuses: 0 success, 1 training diverged, 64 usage error \
            (including a configuration too large for the memory available), \
            65 malformed data or checkpoint, 66 missing input file, \
            73 cannot create the output, 74 I/O error (a full disk included), \
            130 and 143 training stopped by SIGINT (Ctrl-C) or SIGTERM after \
            writing its checkpoint (129 for SIGHUP).
            """,
        version: version,
        subcommands: [
            TrainCommand.self, EvalCommand.self, SweepCommand.self, ReportCommand.self, PredictCommand.self,
            RunsCommand.self, DataCommand.self,
        ])

    /// The tool's version, as `--version` prints it.
    static let version = "0.2.0"

    /// Runs the command and ends the process: help on stdout with status 0,
    /// any failure as one line on stderr with its sysexits status.
    static func main() {
        // A file-size limit then fails the write (EFBIG), reported as an
        // I/O error, instead of killing the process mid-checkpoint.
        signal(SIGXFSZ, SIG_IGN)
        do {
            try checkHelpTopic(Array(CommandLine.arguments.dropFirst()))
            try capInstructionSet()
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            ProgressDisplay.current?.finishLine()
            FileHandle.standardError.write(Data("mnist-nce: \(failure.message)\n".utf8))
            Foundation.exit(failure.status)
        } catch {
            let status = exitCode(for: error)
            if status == .success {
                let text = fullMessage(for: error)
                print(text == version ? text : text + examplesSection(for: Array(CommandLine.arguments.dropFirst())))
                Foundation.exit(0)
            }
            ProgressDisplay.current?.finishLine()
            let message = self.message(for: error)
                .split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("mnist-nce: \(message)\n".utf8))
            Foundation.exit(status.rawValue)
        }
    }

    /// `MNIST_NCE_CONV_ISA=avx2|avx512|portable` caps the convolution
    /// kernels' instruction set and `MNIST_NCE_SPARSE_ISA` (same values)
    /// the sparse hidden-layer kernels' (every set gives the same bits), so
    /// an AVX2 machine's speed can be measured on an AVX-512 one.
    static func capInstructionSet() throws(CommandFailure) {
        if let set: ConvolutionInstructionSet = try instructionSet(named: "MNIST_NCE_CONV_ISA") {
            ConvolutionInstructionSet.limit(to: set)
        }
        if let set: SparseInstructionSet = try instructionSet(named: "MNIST_NCE_SPARSE_ISA") {
            SparseInstructionSet.limit(to: set)
        }
    }

    /// The set the environment variable `variable` names, nil when it is
    /// unset or empty.
    private static func instructionSet<Set: CaseIterable & CustomStringConvertible>(
        named variable: String
    ) throws(CommandFailure) -> Set? {
        guard let name = ProcessInfo.processInfo.environment[variable], !name.isEmpty else { return nil }
        guard let set = Set.allCases.first(where: { $0.description == name }) else {
            throw CommandFailure(
                "\(variable): expected avx512, avx2 or portable, found \(name.debugDescription)",
                status: CommandFailure.usage)
        }
        return set
    }

    /// Example command lines per command, printed at the end of its help.
    static let examples: [String: [String]] = [
        "mnist-nce": [
            "mnist-nce train --num-sampled 1",
            "mnist-nce eval --json",
            "mnist-nce runs",
        ],
        "train": [
            "mnist-nce train --num-sampled 9 --metrics runs/nce9.jsonl",
            "mnist-nce train --model cnn --loss softmax --checkpoint-every 500 --output runs/cnn.safetensors",
            "mnist-nce train --resume runs/cnn.safetensors",
        ],
        "eval": [
            "mnist-nce eval",
            "mnist-nce eval --checkpoint runs/nce9.safetensors --split validation --json",
            "mnist-nce eval --checkpoint fashion.safetensors --data-dir data/fashion",
        ],
        "sweep": [
            "mnist-nce sweep --num-sampled 1,2,3,5,9 --softmax --seeds 1,2,3 --output-dir sweeps/mlp",
            "mnist-nce sweep --num-sampled 1,9 --softmax --seeds 1,2 --model cnn --output-dir sweeps/cnn",
            "mnist-nce sweep --num-sampled 1,9 --softmax --threads 1 --output-dir sweeps/mlp --list | parallel -j 2",
        ],
        "report": ["mnist-nce report sweeps/mlp"],
        "runs": ["mnist-nce runs", "mnist-nce runs sweeps/nce --json"],
        "data": ["mnist-nce data", "mnist-nce data --data-dir data/fashion --validation-size 0"],
    ]

    /// The EXAMPLES section for the command a help request names: the
    /// words after `help`, or the leading subcommand words.
    static func examplesSection(for arguments: [String]) -> String {
        var words = arguments
        if words.first == "help" { words.removeFirst() }
        var name = "mnist-nce"
        var commands = configuration.subcommands
        for word in words where !word.hasPrefix("-") {
            guard let next = commands.first(where: { $0.configuration.commandName == word }) else { break }
            name = word
            commands = next.configuration.subcommands
        }
        guard let lines = examples[name] else { return "" }
        return "\nEXAMPLES:\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    /// `help TOPIC…` must name subcommands: the parser would print the
    /// tool's help with status 0 for an unknown one.
    static func checkHelpTopic(_ arguments: [String]) throws(CommandFailure) {
        guard arguments.first == "help" else { return }
        var commands = configuration.subcommands
        for topic in arguments.dropFirst() where !topic.hasPrefix("-") {
            let names = commands.map { $0.configuration.commandName ?? "" }
            guard let index = names.firstIndex(of: topic) else {
                throw CommandFailure(
                    "help: expected a command (\(names.joined(separator: ", "))), found \(topic.debugDescription)",
                    status: CommandFailure.usage)
            }
            commands = commands[index].configuration.subcommands
        }
    }
}
