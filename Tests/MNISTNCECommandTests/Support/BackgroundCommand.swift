import Foundation
import XCTest

/// `mnist-nce` started as a child process that the test signals while it
/// runs: for Ctrl-C, SIGTERM and kill -9.
final class BackgroundCommand {
    let process = Process()
    private let outPath: String
    private let errPath: String
    private let commandLine: String

    /// Starts `mnist-nce arguments` in `directory`, its output going to
    /// files in `directory`.
    init(_ arguments: [String], in directory: String) throws {
        let name = UUID().uuidString
        outPath = directory + "/\(name).stdout"
        errPath = directory + "/\(name).stderr"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        commandLine = (["mnist-nce"] + arguments).joined(separator: " ")
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }

    /// Waits until `condition` holds (polling every 10 ms) or `timeout`
    /// seconds pass; false on timeout or if the process ended first.
    func wait(timeout: Double = 60, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            usleep(10_000)
        }
        return false
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end (killing it after `timeout` seconds)
    /// and returns how it ended.
    func finish(timeout: Double = 60) -> CommandResult {
        if !wait(timeout: timeout, until: { !process.isRunning }) {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CommandResult(
            status: process.terminationStatus,
            reason: process.terminationReason == .exit ? .exit : .uncaughtSignal,
            stdout: stdout, stderr: stderr, commandLine: commandLine)
    }
}

/// The size of the file at `path`, 0 when there is none.
func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

/// The id of a process that has ended: a writer that was killed.
func deadProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

/// The names in `folder` that start with `.` and contain `.tmp-`: the
/// temporary files of atomic writes.
func temporaryFiles(in folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasPrefix(".") && $0.contains(".tmp-") }
}
