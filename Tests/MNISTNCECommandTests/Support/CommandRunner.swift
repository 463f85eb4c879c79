import Foundation

/// A failure to start or finish the executable under test, described so
/// that the failing test says what to do about it.
struct CommandRunnerError: Error, CustomStringConvertible {
    let description: String
}

/// Runs the built `mnist-nce` executable as a child process.
///
/// The tests check the product as a user meets it (arguments, output,
/// exit status), so they need the executable itself rather than the
/// module; `scripts/test.sh` builds it before running the tests.
enum CommandRunner {
    /// The package root: three levels above this file
    /// (`Tests/MNISTNCECommandTests/Support/`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `<root>/.build/debug/mnist-nce`.
    static let executable = packageRoot.appendingPathComponent(".build/debug/mnist-nce")

    /// The bundled data set.
    static let bundledData = packageRoot.appendingPathComponent("data/mnist").path

    /// Throws unless the debug executable exists and is executable.
    static func requireExecutable() throws(CommandRunnerError) {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw CommandRunnerError(
                description: "\(executable.path) does not exist; run `swift build --product mnist-nce` "
                    + "(or scripts/test.sh, which does) before these tests")
        }
    }

    /// Runs the `mnist-nce` executable and waits for it.
    ///
    /// - Parameters:
    ///   - arguments: The command line after the executable's name.
    ///   - directory: The working directory of the child.
    ///   - environment: Variables added to (or replacing those in) this
    ///     process's environment.
    ///   - scratch: A folder for the captured output files.
    ///   - timeout: Seconds after which the child is killed and the run
    ///     reported as a failure.
    static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:],
        scratch: String, timeout: Double = 60
    ) throws -> CommandResult {
        try requireExecutable()
        return try runTool(
            executable.path, arguments, in: directory, environment: environment, scratch: scratch, timeout: timeout)
    }

    /// Runs any program (`gzip`, `python3`, …) the same way as `run`; a
    /// `program` without a slash is looked up on the `PATH` by `/usr/bin/env`.
    ///
    /// Output goes to files in `scratch` rather than pipes, so a chatty
    /// child can never block on a full pipe while the runner waits.
    static func runTool(
        _ program: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String] = [:], scratch: String, timeout: Double = 60
    ) throws -> CommandResult {
        let name = UUID().uuidString
        let outPath = scratch + "/\(name).stdout"
        let errPath = scratch + "/\(name).stderr"
        guard FileManager.default.createFile(atPath: outPath, contents: nil),
              FileManager.default.createFile(atPath: errPath, contents: nil),
              let out = FileHandle(forWritingAtPath: outPath),
              let err = FileHandle(forWritingAtPath: errPath)
        else {
            throw CommandRunnerError(description: "cannot create output capture files in \(scratch)")
        }
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }

        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? scratch)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        try? out.close()
        try? err.close()
        let commandLine = ([program] + arguments).joined(separator: " ")
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            finished.wait()
            throw CommandRunnerError(description: "`\(commandLine)` did not finish within \(timeout) s")
        }
        return CommandResult(
            status: process.terminationStatus, reason: process.terminationReason,
            stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self),
            commandLine: commandLine)
    }
}
