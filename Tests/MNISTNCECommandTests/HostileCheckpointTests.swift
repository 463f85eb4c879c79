import Foundation
import SafeTensors
import XCTest

/// Valid checkpoints and data of extreme but allowed sizes: a million
/// classes, a million pixels per image. Each is handled in memory bounded
/// by its work (checked under an address-space limit, which turns an
/// oversized allocation into an abort) or refused in one line.
final class HostileCheckpointTests: CommandTestCase {
    /// A checkpoint trained on `data` (6 × 6 images are enough), rewritten
    /// to hold a model of `kind` for `height` × `width` images with
    /// `hidden` units and `classes` classes, every weight `weight` and
    /// every bias 0.
    func forgedCheckpoint(
        _ name: String, kind: String = "mlp", height: Int = 28, width: Int = 28, hidden: Int = 1, classes: Int = 10,
        weight: Float = 0.01
    ) throws -> String {
        let data = try makeDataSet("forge-data", trainCount: 120, testCount: 10)
        let trained = scratchPath("forge-\(name)")
        try train(data, output: trained, ["--epochs", "1", "--hidden", "2"])
        var metadata = try SafeTensorsFile.read(path: trained).metadata
        var configuration = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(XCTUnwrap(metadata["configuration"]).utf8)) as? [String: Any])
        var model = try XCTUnwrap(configuration["model"] as? [String: Any])
        model["kind"] = kind
        model["imageHeight"] = height
        model["imageWidth"] = width
        model["inputSize"] = height * width
        model["hiddenUnits"] = hidden
        model["classCount"] = classes
        configuration["model"] = model
        metadata["configuration"] = String(decoding: try JSONSerialization.data(withJSONObject: configuration), as: UTF8.self)
        func pooled(_ n: Int) -> Int { (n + 1) / 2 }
        let denseInputs = kind == "cnn" ? pooled(pooled(height)) * pooled(pooled(width)) * 64 : height * width
        func filled(_ name: String, _ shape: [Int], _ value: Float? = nil) -> TensorRecord {
            TensorRecord(name: name, shape: shape, floats: [Float](repeating: value ?? weight, count: shape.reduce(1, *)))
        }
        var records: [TensorRecord] = []
        if kind == "cnn" {
            records += [
                filled("conv1.filter", [5, 5, 1, 32]), filled("conv1.bias", [32], 0),
                filled("conv2.filter", [5, 5, 32, 64]), filled("conv2.bias", [64], 0),
            ]
        }
        records += [
            filled("hidden.weight", [denseInputs, hidden]), filled("hidden.bias", [hidden], 0),
            filled("output.weight", [classes, hidden]), filled("output.bias", [classes], 0),
        ]
        let path = scratchPath(name)
        try SafeTensorsFile.write(records, metadata: metadata, to: path)
        return path
    }

    /// Runs `mnist-nce arguments` with its address space limited to
    /// `gigabytes` GiB, so that any allocation beyond it aborts the tool.
    func mnistNCE(_ arguments: [String], addressSpaceGiB gigabytes: Int, timeout: Double = 120) throws -> CommandResult {
        try CommandRunner.runTool(
            "/bin/sh", ["-c", "ulimit -v \(gigabytes << 20) && exec \"$0\" \"$@\"", CommandRunner.executable.path] + arguments,
            in: scratch, scratch: scratch, timeout: timeout)
    }

    /// Test images of `height` × `width` pixels (and no training files:
    /// eval's test split needs only the t10k files).
    func testImages(count: Int, height: Int, width: Int) throws -> String {
        let folder = scratchPath("images-\(height)x\(width)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var pixels = [UInt8](repeating: 0, count: count * height * width)
        for index in stride(from: 0, to: pixels.count, by: 7) { pixels[index] = UInt8(truncatingIfNeeded: index) }
        try Data(IDXFile.bytes(dimensions: [count, height, width], values: pixels))
            .write(to: URL(fileURLWithPath: folder + "/" + SyntheticMNIST.testImages))
        try Data(IDXFile.bytes(dimensions: [count], values: (0..<count).map { UInt8($0 % 10) }))
            .write(to: URL(fileURLWithPath: folder + "/" + SyntheticMNIST.testLabels))
        return folder
    }

    /// 1,048,576 classes (an 8 MB file): batches used to take 1,000 rows
    /// of 4 MB of logits (4 GB), and the confusion matrix classes² counts.
    func testMillionClassCheckpointEvaluatesInBoundedMemory() throws {
        let classes = 1 << 20
        let checkpoint = try forgedCheckpoint("classes.safetensors", classes: classes)
        let data = try makeDataSet("eval-data", trainCount: 20, testCount: 30)
        let result = try mnistNCE(
            ["eval", "--checkpoint", checkpoint, "--data-dir", data.folder, "--threads", "1", "--json"],
            addressSpaceGiB: 2)
        assertSuccess(result)
        let report = try jsonObject(result.stdout)
        XCTAssertEqual(report["classes"] as? Int, classes)
        XCTAssertEqual(report["count"] as? Int, 30)
        XCTAssertNil(report["confusion"], "a classes × classes matrix was printed")
        let perClass = try XCTUnwrap(report["per_class_accuracy"] as? [String: Double], result.stdout)
        XCTAssertTrue(Set(perClass.keys).isSubset(of: Set((0..<10).map(String.init))), "\(perClass)")
        let confusions = try XCTUnwrap(report["top_confusions"] as? [[String: Int]], result.stdout)
        XCTAssertLessThanOrEqual(confusions.count, 20)
        XCTAssertEqual(confusions.map { $0["count"] ?? 0 }.reduce(0, +) + (report["correct"] as? Int ?? -1), 30)

        let text = try mnistNCE(
            ["eval", "--checkpoint", checkpoint, "--data-dir", data.folder, "--threads", "1"], addressSpaceGiB: 2)
        assertSuccess(text)
        XCTAssertTrue(text.stdout.contains("per class (the \(perClass.count) of \(classes) classes with images):"), text.stdout)
        XCTAssertTrue(text.stdout.contains("most frequent confusions (label -> predicted: images;"), text.stdout)
        XCTAssertFalse(text.stdout.contains("confusion matrix"), text.stdout)
        XCTAssertLessThan(text.stdout.split(separator: "\n").count, 50, text.stdout)
    }

    /// 1,048,576 pixels per image (a 4 MB checkpoint): batches used to
    /// take 1,000 images of 4 MB of floats.
    func testMillionPixelCheckpointEvaluatesInBoundedMemory() throws {
        let checkpoint = try forgedCheckpoint("pixels.safetensors", height: 1024, width: 1024)
        let folder = try testImages(count: 3, height: 1024, width: 1024)
        let result = try mnistNCE(
            ["eval", "--checkpoint", checkpoint, "--data-dir", folder, "--threads", "1", "--json"], addressSpaceGiB: 2)
        assertSuccess(result)
        let report = try jsonObject(result.stdout)
        XCTAssertEqual(report["count"] as? Int, 3)
        XCTAssertEqual((report["confusion"] as? [[Int]])?.count, 10, "ten classes keep the full matrix")
    }

    /// Weights of 3e38 are finite but overflow Float in the logits: eval
    /// used to trap converting a NaN confidence to a bin. The figures are
    /// now NaN (null in JSON). NaN weights are refused as malformed.
    func testOverflowingAndNaNWeights() throws {
        let data = try makeDataSet("eval-data", trainCount: 20, testCount: 30)
        let huge = try forgedCheckpoint("huge.safetensors", hidden: 3, weight: 3e38)
        let result = try mnistNCE(["eval", "--checkpoint", huge, "--data-dir", data.folder, "--threads", "1", "--json"])
        assertSuccess(result)
        let report = try jsonObject(result.stdout)
        XCTAssertEqual(report["count"] as? Int, 30)
        for figure in ["nll", "ece", "log_partition_mean", "log_partition_sd"] {
            XCTAssertTrue(report[figure] is NSNull, "\(figure): \(String(describing: report[figure]))")
        }
        let text = try mnistNCE(["eval", "--checkpoint", huge, "--data-dir", data.folder, "--threads", "1"])
        assertSuccess(text)
        XCTAssertTrue(text.stdout.contains("nan"), text.stdout)

        let nan = try forgedCheckpoint("nan.safetensors", hidden: 3, weight: .nan)
        let refused = try mnistNCE(["eval", "--checkpoint", nan, "--data-dir", data.folder])
        assertFailure(refused, status: 65, mentioning: ["nan.safetensors: expected finite values in tensor \"hidden.weight\", found nan at index 0"])
    }

    /// A CNN for 1024 × 1024 images needs about 1.9 GB for one image's
    /// trunk buffers: with 1 GiB available it is refused before allocating.
    func testCheckpointTooLargeForMemoryIsRefused() throws {
        let checkpoint = try forgedCheckpoint("cnn.safetensors", kind: "cnn", height: 1024, width: 1024)
        let folder = try testImages(count: 1, height: 1024, width: 1024)
        for command in [["eval", "--data-dir", folder], ["predict", "digit.png"]] {
            let result = try mnistNCE(
                command + ["--checkpoint", checkpoint], environment: ["MNIST_NCE_MEMORY_LIMIT": "1G"])
            assertFailure(
                result, status: 64,
                mentioning: ["cnn.safetensors: expected a network that fits in the 1.0 GiB of memory available",
                             "needs about 1.9 GiB", "1024×1024 images"])
        }
    }
}
