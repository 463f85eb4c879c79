import Foundation
import SweepReporting
import XCTest

/// Writes example reports under $SWEEP_REPORT_EXAMPLE_DIR when it is set,
/// to look at the plots by eye: the README's sweep, a crowded one, and a
/// single softmax run.
final class RenderExamples: XCTestCase {
    func testWriteExampleReports() throws {
        guard let folder = ProcessInfo.processInfo.environment["SWEEP_REPORT_EXAMPLE_DIR"] else {
            throw XCTSkip("set SWEEP_REPORT_EXAMPLE_DIR to write the example reports")
        }
        var crowded = exampleSweep()
        for s in 10...16 { crowded.append(record("nce", s, seed: 1, accuracy: 0.98)) }
        crowded += (1...16).map { record("sampled-softmax", $0, seed: 1, accuracy: 0.975) }
        let examples = [
            ("readme", exampleSweep()), ("crowded", crowded),
            ("single", [record("softmax", nil, seed: 1, accuracy: 0.98)]),
        ]
        for (name, records) in examples {
            let path = folder + "/" + name
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for (file, contents) in SweepReport.files(records: records, context: exampleContext) {
                try contents.write(toFile: path + "/" + file, atomically: true, encoding: .utf8)
            }
        }
    }
}
