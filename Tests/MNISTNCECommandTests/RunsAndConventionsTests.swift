import Foundation
import XCTest

/// `mnist-nce runs`, `--version`, `help`, examples in every help page, and
/// the accidental-hits flag pair.
final class RunsAndConventionsTests: CommandTestCase {
    func testRunsListsCheckpointsNewestFirst() throws {
        let data = try makeDataSet(trainCount: 300, testCount: 40)
        let runs = scratchPath("runs")
        try train(data, output: "runs/old.safetensors", ["--loss", "softmax", "--epochs", "1"])
        try train(data, output: "runs/new.safetensors", ["--num-sampled", "3", "--epochs", "2"])
        try Data("notes".utf8).write(to: URL(fileURLWithPath: runs + "/notes.safetensors"))
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-600)], ofItemAtPath: runs + "/old.safetensors")

        let text = try mnistNCE(["runs"])
        assertSuccess(text)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, text.stdout)
        XCTAssertTrue(lines[1].contains("nce") && lines[1].hasSuffix("runs/new.safetensors"), text.stdout)
        XCTAssertTrue(lines[2].contains("softmax") && lines[2].hasSuffix("runs/old.safetensors"), text.stdout)

        let json = try mnistNCE(["runs", runs, "--json"])
        assertSuccess(json)
        let objects = try json.stdout.split(separator: "\n").map { try jsonObject(String($0)) }
        XCTAssertEqual(objects.count, 2)
        XCTAssertEqual(objects[0]["loss"] as? String, "nce")
        XCTAssertEqual(objects[0]["num_sampled"] as? Int, 3)
        XCTAssertEqual(objects[0]["epoch"] as? Int, 2)
        XCTAssertEqual(objects[0]["model"] as? String, "mlp")
        XCTAssertNotNil(objects[0]["test_accuracy"] as? Double)
        XCTAssertNotNil(objects[0]["validation_accuracy"] as? Double)
        XCTAssertEqual(objects[0]["resumable"] as? Bool, false, "a finished run has nothing to resume")
        XCTAssertEqual(objects[1]["loss"] as? String, "softmax")
        XCTAssertTrue(objects[1]["num_sampled"] is NSNull)
    }

    func testRunsOnAMissingFolderExits66() throws {
        assertFailure(try mnistNCE(["runs", scratchPath("nowhere")]), status: 66, mentioning: ["nowhere"])
    }

    func testVersionAndHelpTopics() throws {
        let version = try mnistNCE(["--version"])
        assertSuccess(version)
        XCTAssertTrue(version.stdout.first?.isNumber ?? false, version.stdout)
        assertFailure(try mnistNCE(["help", "bogus"]), status: 64, mentioning: ["bogus", "train"])
        for command in ["train", "eval", "runs", "data"] {
            for arguments in [["help", command], [command, "--help"]] {
                let help = try mnistNCE(arguments)
                assertSuccess(help)
                let lines = help.stdout.split(separator: "\n")
                let heading = try XCTUnwrap(lines.lastIndex(of: "EXAMPLES:"), "no examples in \(arguments)")
                let examples = lines[(heading + 1)...]
                XCTAssertTrue((2...3).contains(examples.count), help.stdout)
                XCTAssertTrue(examples.allSatisfy { $0.hasPrefix("  mnist-nce \(command)") }, help.stdout)
            }
        }
    }

    func testAccidentalHitsFlagPairIsRecorded() throws {
        let data = try makeDataSet(trainCount: 200, testCount: 20)
        for (flag, expected) in [("--remove-accidental-hits", "true"), ("--no-remove-accidental-hits", "false")] {
            let output = scratchPath("\(flag).safetensors")
            try train(data, output: output, ["--epochs", "1", "--loss", "sampled-softmax", "--num-sampled", "3", flag])
            let header = try String(decoding: contents(output).prefix(4096), as: UTF8.self)
            XCTAssertTrue(header.contains("\"remove_accidental_hits\":\"\(expected)\""), header)
        }
    }
}
