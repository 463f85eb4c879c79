import Foundation
import XCTest

/// A test case that runs `mnist-nce` in a fresh temporary folder, removed
/// after each test.
class CommandTestCase: XCTestCase {
    /// The temporary folder of the running test; also the default working
    /// directory of the executable.
    private(set) var scratch: String = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        do {
            try CommandRunner.requireExecutable()
        } catch {
            XCTFail(error.description)
            throw error
        }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mnist-nce-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        scratch = url.path
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    }

    /// `scratch/name`.
    func scratchPath(_ name: String) -> String { scratch + "/" + name }

    /// Runs `mnist-nce arguments` in `directory` (default: `scratch`).
    func mnistNCE(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        timeout: Double = 60
    ) throws -> CommandResult {
        try CommandRunner.run(
            arguments, in: directory ?? scratch, environment: environment, scratch: scratch, timeout: timeout)
    }

    /// Asserts the run exited normally with status 0.
    func assertSuccess(_ result: CommandResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.reason, .exit, result.summary, file: file, line: line)
        XCTAssertEqual(result.status, 0, result.summary, file: file, line: line)
    }

    /// Asserts the run failed the way the tool promises: a normal exit with
    /// `status`, nothing on stdout, and exactly one stderr line that starts
    /// with `mnist-nce: ` and contains every string in `mentions`, with no
    /// usage text.
    func assertFailure(
        _ result: CommandResult, status: Int32, mentioning mentions: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(result.reason, .exit, "ended by a signal: \(result.summary)", file: file, line: line)
        XCTAssertEqual(result.status, status, result.summary, file: file, line: line)
        XCTAssertEqual(result.stdout, "", "stdout should be empty: \(result.summary)", file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "expected one stderr line: \(result.summary)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasSuffix("\n"), "stderr line unterminated: \(result.summary)", file: file, line: line)
        guard let message = result.stderrLines.first else { return }
        XCTAssertTrue(message.hasPrefix("mnist-nce: "), "no `mnist-nce: ` prefix: \(result.summary)", file: file, line: line)
        XCTAssertFalse(
            message.lowercased().contains("usage:"), "usage text on stderr: \(result.summary)", file: file, line: line)
        for text in mentions {
            XCTAssertTrue(message.contains(text), "stderr does not mention \(text.debugDescription): \(result.summary)",
                          file: file, line: line)
        }
    }

    /// Writes a generated data set into `scratch/name`.
    func makeDataSet(
        _ name: String = "data", trainCount: Int = 600, testCount: Int = 100, seed: UInt64 = 1
    ) throws -> SyntheticMNIST {
        try SyntheticMNIST.write(to: scratchPath(name), trainCount: trainCount, testCount: testCount, seed: seed)
    }

    /// The options of a short training run on `data`: a 32-unit hidden
    /// layer, 3 epochs of batch 32 on one thread, 100 validation images.
    func quickTrainingOptions(_ data: SyntheticMNIST) -> [String] {
        [
            "--data-dir", data.folder, "--validation-size", "100", "--hidden", "32", "--epochs", "3",
            "--batch-size", "32", "--threads", "1",
        ]
    }

    /// Trains with `quickTrainingOptions` plus `extra`, writing the
    /// checkpoint to `output`, and asserts success.
    @discardableResult
    func train(
        _ data: SyntheticMNIST, output: String, _ extra: [String] = [], in directory: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> CommandResult {
        let result = try mnistNCE(["train"] + quickTrainingOptions(data) + ["--output", output] + extra, in: directory)
        assertSuccess(result, file: file, line: line)
        return result
    }

    /// The whole of `text` as one JSON object.
    func jsonObject(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let object = try JSONSerialization.jsonObject(with: Data(trimmed.utf8))
        return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(text)", file: file, line: line)
    }

    /// The bytes of the file at `path`.
    func contents(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// Whether `a` and `b` agree to a relative tolerance (absolute near zero).
func isClose(_ a: Double, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}
