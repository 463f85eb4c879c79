import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SweepReporting
import XCTest

/// Writes example reports — the README's sweep, a crowded one, and a
/// single softmax run — and checks every file is written and every plot
/// parses. With $SWEEP_REPORT_EXAMPLE_DIR set they go there, to look at by
/// eye; otherwise to a temporary folder.
final class RenderExamples: XCTestCase {
    func testWriteExampleReports() throws {
        let folder: String
        if let chosen = ProcessInfo.processInfo.environment["SWEEP_REPORT_EXAMPLE_DIR"] {
            folder = chosen
        } else {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-examples-\(UUID().uuidString)")
            addTeardownBlock { try? FileManager.default.removeItem(at: url) }
            folder = url.path
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
            let files = SweepReport.files(records: records, context: exampleContext)
            XCTAssertFalse(files.isEmpty, name)
            for (file, contents) in files {
                try contents.write(toFile: path + "/" + file, atomically: true, encoding: .utf8)
                XCTAssertFalse(contents.isEmpty, "\(name)/\(file)")
                if file.hasSuffix(".svg") {
                    XCTAssertTrue(XMLParser(data: Data(contents.utf8)).parse(), "\(name)/\(file) is not well-formed XML")
                }
            }
        }
    }
}
