import Foundation
import XCTest

/// `mnist-nce predict`: the committed pictures classified by the committed
/// small model, its text, JSON and --show output, and bad inputs.
final class PredictCommandTests: CommandTestCase {
    static let fixtures = CommandRunner.packageRoot.appendingPathComponent("Tests/MNISTNCECommandTests/Fixtures")
    /// A 64-unit softmax model (see Fixtures/README.md).
    static let model = fixtures.appendingPathComponent("softmax-h64.safetensors").path
    static let digitNames = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    /// The committed pictures and the digit each shows (its name's first word).
    static func committedDigits() throws -> [(path: String, digit: Int)] {
        let folder = fixtures.appendingPathComponent("digits")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return names.compactMap { name in
            guard let word = name.split(separator: "-").first, let digit = digitNames.firstIndex(of: String(word)) else {
                return nil
            }
            return (folder.appendingPathComponent(name).path, digit)
        }
    }

    func testCommittedDigitsAreClassifiedRight() throws {
        let digits = try Self.committedDigits()
        XCTAssertGreaterThanOrEqual(digits.count, 6)
        let result = try mnistNCE(["predict", "--checkpoint", Self.model] + digits.map(\.path))
        assertSuccess(result)
        XCTAssertEqual(result.stderr, "")
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2 * digits.count, result.stdout)
        for (index, (path, digit)) in digits.enumerated() where 2 * index + 1 < lines.count {
            XCTAssertTrue(lines[2 * index].hasPrefix("\(path): \(digit) ("), "\(path) should be \(digit): \(lines[2 * index])")
            let probabilities = lines[2 * index + 1].split(separator: " ").filter { !$0.hasSuffix(":") }.compactMap { Double($0) }
            XCTAssertEqual(probabilities.count, 10, String(lines[2 * index + 1]))
            XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 0.001)
            XCTAssertEqual(probabilities.firstIndex(of: probabilities.max()!), digit)
        }
    }

    func testJSONLines() throws {
        let digits = try Self.committedDigits()
        let result = try mnistNCE(["predict", "--json", "--checkpoint", Self.model] + digits.map(\.path))
        assertSuccess(result)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, digits.count)
        for (line, (path, digit)) in zip(lines, digits) {
            let object = try jsonObject(String(line))
            XCTAssertEqual(object["image"] as? String, path)
            XCTAssertEqual(object["digit"] as? Int, digit, "\(path): \(line)")
            let probabilities = try XCTUnwrap(object["probabilities"] as? [Double])
            XCTAssertEqual(probabilities.count, 10)
            XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-9)
            XCTAssertEqual(probabilities.firstIndex(of: probabilities.max()!), digit)
            XCTAssertEqual((object["logits"] as? [Double])?.count, 10)
            XCTAssertNil(object["shades"])
        }
    }

    func testShowPrintsTheTwentyEightRowsTheNetworkSaw() throws {
        let path = try XCTUnwrap(try Self.committedDigits().first { $0.digit == 0 }).path
        let text = try mnistNCE(["predict", "--show", "--checkpoint", Self.model, path])
        assertSuccess(text)
        let rows = text.stdout.split(separator: "\n").filter { $0.hasPrefix("  |") }
        XCTAssertEqual(rows.count, 28, text.stdout)
        XCTAssertTrue(rows.allSatisfy { $0.count == 2 + 1 + 56 + 1 }, text.stdout)
        XCTAssertTrue(rows.contains { $0.contains("@") }, text.stdout)
        XCTAssertEqual(rows.first.map(String.init), "  |" + String(repeating: " ", count: 56) + "|", "MNIST's top rows are empty")

        let json = try mnistNCE(["predict", "--show", "--json", "--checkpoint", Self.model, path])
        assertSuccess(json)
        let shades = try XCTUnwrap(try jsonObject(json.stdout)["shades"] as? [String])
        XCTAssertEqual(shades, rows.map { String($0.dropFirst(3).dropLast()) })
    }

    func testDefaultCheckpointIsTheNewestInRuns() throws {
        try FileManager.default.createDirectory(atPath: scratchPath("runs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.model, toPath: scratchPath("runs/model.safetensors"))
        let path = try XCTUnwrap(try Self.committedDigits().first { $0.digit == 7 }).path
        let result = try mnistNCE(["predict", "--json", path])
        assertSuccess(result)
        XCTAssertEqual(try jsonObject(result.stdout)["digit"] as? Int, 7)
    }

    func testADigitDrawnInAnotherHand() throws {
        // A 4 of thin strokes, small in a large dark-on-light picture, well
        // off-centre; unlike any committed fixture.
        var drawing = StrokeDrawing(width: 160, height: 120)
        drawing.stroke([(118, 12), (96, 62), (150, 60)], thickness: 3.5)
        drawing.stroke([(138, 30), (136, 104)], thickness: 3.5)
        let path = scratchPath("four.pgm")
        try Data(drawing.pgm(darkInk: true)).write(to: URL(fileURLWithPath: path))
        let result = try mnistNCE(["predict", "--json", "--checkpoint", Self.model, path])
        assertSuccess(result)
        XCTAssertEqual(try jsonObject(result.stdout)["digit"] as? Int, 4, result.stdout)
    }

    // MARK: Bad inputs

    func testMissingImageExits66() throws {
        let path = scratchPath("absent.png")
        assertFailure(
            try mnistNCE(["predict", "--checkpoint", Self.model, path]), status: 66,
            mentioning: [path, "expected an existing file"])
    }

    func testGarbageNamedPNGExits65() throws {
        let path = scratchPath("garbage.png")
        try Data((0..<500).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }).write(to: URL(fileURLWithPath: path))
        assertFailure(
            try mnistNCE(["predict", "--checkpoint", Self.model, path]), status: 65,
            mentioning: [path, "expected a PNG or a greyscale PGM (P2 or P5) image, found first bytes"])
    }

    func testTruncatedPNGExits65() throws {
        let source = try XCTUnwrap(try Self.committedDigits().first { $0.path.hasSuffix(".png") }).path
        let bytes = try contents(source)
        for keep in [20, bytes.count / 2, bytes.count - 13] {
            let path = scratchPath("cut-\(keep).png")
            try Data(bytes.prefix(keep)).write(to: URL(fileURLWithPath: path))
            assertFailure(
                try mnistNCE(["predict", "--checkpoint", Self.model, path]), status: 65,
                mentioning: [path, "expected a valid PNG, found a damaged file (libpng: "])
        }
    }

    func testBlankImageExits65() throws {
        let path = scratchPath("blank.pgm")
        try Data(Array("P5 40 30 255\n".utf8) + [UInt8](repeating: 240, count: 1200)).write(to: URL(fileURLWithPath: path))
        assertFailure(
            try mnistNCE(["predict", "--checkpoint", Self.model, path]), status: 65,
            mentioning: ["\(path): expected a digit, found a blank image"])
    }

    func testBadImagesDoNotStopTheOthers() throws {
        let good = try Self.committedDigits()
        let missing = scratchPath("absent.pgm")
        let garbage = scratchPath("garbage.pgm")
        try Data("P5 2 2 255\n".utf8).write(to: URL(fileURLWithPath: garbage))
        let result = try mnistNCE(["predict", "--json", "--checkpoint", Self.model, good[0].path, missing, garbage, good[1].path])
        XCTAssertEqual(result.reason, .exit, result.summary)
        XCTAssertEqual(result.status, 66, "the first failure's status: \(result.summary)")
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, result.summary)
        XCTAssertEqual(try lines.map { try jsonObject(String($0))["image"] as? String }, [good[0].path, good[1].path])
        XCTAssertEqual(result.stderrLines.count, 2, result.summary)
        XCTAssertTrue(result.stderrLines[0].hasPrefix("mnist-nce: \(missing): expected an existing file"), result.summary)
        XCTAssertTrue(result.stderrLines[1].hasPrefix("mnist-nce: \(garbage): expected 4 bytes of pixels"), result.summary)
    }

    func testNoImageIsAUsageError() throws {
        assertFailure(try mnistNCE(["predict", "--checkpoint", Self.model]), status: 64, mentioning: ["<image>"])
    }

    func testNoCheckpointInRunsExits66() throws {
        let path = try Self.committedDigits()[0].path
        assertFailure(try mnistNCE(["predict", path]), status: 66, mentioning: ["runs/", "--checkpoint"])
    }

    func testCheckpointForOtherImageSizesExits65() throws {
        // A model for 14 × 14 images, trained on a tiny generated set.
        let folder = scratchPath("small")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 3)
        for (images, labels, count) in [
            (SyntheticMNIST.trainImages, SyntheticMNIST.trainLabels, 60), (SyntheticMNIST.testImages, SyntheticMNIST.testLabels, 10),
        ] {
            let pixels = (0..<(count * 196)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let classes = (0..<count).map { UInt8($0 % 10) }
            try Data(IDXFile.bytes(dimensions: [count, 14, 14], values: pixels)).write(to: URL(fileURLWithPath: folder + "/" + images))
            try Data(IDXFile.bytes(dimensions: [count], values: classes)).write(to: URL(fileURLWithPath: folder + "/" + labels))
        }
        let model = scratchPath("small.safetensors")
        assertSuccess(try mnistNCE([
            "train", "--data-dir", folder, "--validation-size", "10", "--hidden", "4", "--epochs", "1",
            "--threads", "1", "--output", model, "--json",
        ]))
        let path = try Self.committedDigits()[0].path
        assertFailure(
            try mnistNCE(["predict", "--checkpoint", model, path]), status: 65,
            mentioning: [model, "expected a checkpoint for 28×28 = 784-pixel images, found one for 196 pixels"])
    }

    func testHelpEndsWithExamples() throws {
        let result = try mnistNCE(["predict", "--help"])
        assertSuccess(result)
        let help = result.stdout.collapsingWhitespace
        for text in ["--checkpoint", "--json", "--show", "newest in runs/", "centre of mass", "Examples:", "mnist-nce predict --json"] {
            XCTAssertTrue(help.contains(text), "predict --help does not mention \(text): \(result.stdout)")
        }
        let top = try mnistNCE(["--help"])
        XCTAssertTrue(top.stdout.contains("predict"), top.stdout)
    }
}
