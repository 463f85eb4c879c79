import ArgumentParser
import Foundation

/// The `mnist-nce` command: trains and evaluates an MNIST classifier whose
/// output layer is learned with noise-contrastive estimation or softmax.
@main
struct MNISTNCE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist-nce",
        abstract: "Train and evaluate an MNIST classifier with NCE (as tf.nn.nce_loss) or softmax.",
        discussion: """
            Exit statuses: 0 success, 1 training diverged, 64 usage error, \
            65 malformed data or checkpoint, 66 missing input file, \
            73 cannot create the output, 74 I/O error.
            """,
        subcommands: [TrainCommand.self, EvalCommand.self, PredictCommand.self, DataCommand.self])

    /// Runs the command and ends the process: help on stdout with status 0,
    /// any failure as one line on stderr with its sysexits status.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("mnist-nce: \(failure.message)\n".utf8))
            Foundation.exit(failure.status)
        } catch {
            let status = exitCode(for: error)
            if status == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = self.message(for: error)
                .split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("mnist-nce: \(message)\n".utf8))
            Foundation.exit(status.rawValue)
        }
    }
}
