import Foundation

/// What one run of a child process (usually `mnist-nce`) produced.
struct CommandResult {
    /// The exit status, or the signal number when `reason` is `.uncaughtSignal`.
    let status: Int32
    /// Whether the process exited normally or was ended by a signal (a trap,
    /// a crash, or the runner's timeout).
    let reason: Process.TerminationReason
    let stdout: String
    let stderr: String
    /// The program and its arguments, for failure messages.
    let commandLine: String

    /// The non-empty lines written to stderr.
    var stderrLines: [Substring] {
        stderr.split(separator: "\n", omittingEmptySubsequences: true)
    }

    /// A short account of the run for assertion messages.
    var summary: String {
        let how = reason == .exit ? "exit status \(status)" : "signal \(status)"
        return "`\(commandLine)` ended with \(how); "
            + "stdout: \(stdout.debugDescription); stderr: \(stderr.debugDescription)"
    }
}
