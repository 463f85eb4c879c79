import Foundation
import RealModule
import XCTest
@testable import SampledLosses

/// One TensorFlow golden case (see Fixtures/nce-golden/README in the shared
/// golden-vector folder for the format).
struct GoldenCase: Decodable {
    var name: String
    var lossKind: String
    var numClasses: Int
    var dim: Int
    var batch: Int
    var numSampled: Int
    var numTrue: Int
    var sampler: String
    var unique: Bool
    var removeAccidentalHits: Bool
    var inputs: [[Double]]
    var weights: [[Double]]
    var biases: [Double]
    var labels: [[Int32]]
    var sampled: [Int32]
    var trueExpectedCount: [[Double]]
    var sampledExpectedCount: [Double]
    var perExampleLoss: [Double]
    var gradInputs: [[Double]]
    var gradWeights: [[Double]]
    var gradBiases: [Double]

    static func load(_ url: URL) throws -> GoldenCase {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(GoldenCase.self, from: Data(contentsOf: url))
    }
}

final class GoldenVectorTests: XCTestCase {
    /// Every case bundled with the tests, plus every `*.json` in
    /// `NCE_GOLDEN_DIR` when that variable is set.
    func goldenFiles() throws -> [URL] {
        var folders: [URL] = []
        let bundled = try XCTUnwrap(
            Bundle.module.url(forResource: "nce-golden", withExtension: nil, subdirectory: "Fixtures"),
            "the test bundle must contain Fixtures/nce-golden")
        folders.append(bundled)
        if let extra = ProcessInfo.processInfo.environment["NCE_GOLDEN_DIR"], !extra.isEmpty {
            folders.append(URL(fileURLWithPath: extra, isDirectory: true))
        }
        var files: [URL] = []
        for folder in folders {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            files += names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
        }
        return files
    }

    func cases() throws -> [GoldenCase] {
        let files = try goldenFiles()
        XCTAssertGreaterThanOrEqual(files.count, 4, "expected the four bundled golden cases")
        return try files.map { file in
            do { return try GoldenCase.load(file) } catch {
                XCTFail("cannot decode \(file.lastPathComponent): \(error)")
                throw error
            }
        }
    }

    func problem(_ golden: GoldenCase) throws -> SampledLossProblem {
        let kind = try XCTUnwrap(SampledLossKind(rawValue: golden.lossKind), "\(golden.name): loss_kind")
        XCTAssertEqual(golden.inputs.count, golden.batch, "\(golden.name): inputs rows")
        XCTAssertEqual(golden.weights.count, golden.numClasses, "\(golden.name): weights rows")
        XCTAssertEqual(golden.sampled.count, golden.numSampled, "\(golden.name): sampled")
        return SampledLossProblem(
            kind: kind, classCount: golden.numClasses, dim: golden.dim, batch: golden.batch,
            numTrue: golden.numTrue, removeAccidentalHits: golden.removeAccidentalHits,
            inputs: golden.inputs.flatMap { $0 }, weights: golden.weights.flatMap { $0 },
            biases: golden.biases, labels: golden.labels.flatMap { $0 },
            trueExpectedCounts: golden.trueExpectedCount.flatMap { $0 }.map { Float($0) },
            sample: try CandidateSample(
                classes: golden.sampled, expectedCounts: golden.sampledExpectedCount.map { Float($0) },
                numTries: golden.numSampled))
    }

    func assertMatchesTensorFlow<T: RealModuleFloat>(_: T.Type) throws {
        for golden in try cases() {
            let p = try problem(golden)
            let result = try p.run(T.self)
            let label = "\(golden.name) [\(T.self)]"
            let lossError = zip(result.losses, golden.perExampleLoss).map {
                abs(Double($0) - $1) / abs($1)
            }.max() ?? .nan
            XCTAssertLessThanOrEqual(lossError, 1e-5, "\(label): per-example loss, worst relative error \(lossError)")
            let gradients: [(String, [T], [Double])] = [
                ("grad_inputs", result.dInputs, golden.gradInputs.flatMap { $0 }),
                ("grad_weights", result.dWeights, golden.gradWeights.flatMap { $0 }),
                ("grad_biases", result.dBiases, golden.gradBiases),
            ]
            var report = "\(label): worst relative error: loss \(lossError)"
            for (name, actual, expected) in gradients {
                assertClose(actual, expected, tolerance: 1e-4, "\(label): \(name)")
                if actual.count == expected.count, !actual.isEmpty {
                    report += ", \(name) \(maxRelativeError(actual, expected).error)"
                }
            }
            // The worst differences, printed for every run, not only on failure.
            print(report)
        }
    }

    func testFloatMatchesTensorFlow() throws {
        try assertMatchesTensorFlow(Float.self)
    }

    func testDoubleMatchesTensorFlow() throws {
        try assertMatchesTensorFlow(Double.self)
    }

    /// Recomputes TensorFlow's expected counts from the samples: all counts
    /// equal p·S exactly when nothing was rejected; otherwise some number of
    /// tries ≥ S must reproduce every count.
    func testExpectedCountsFollowTheSamplerFormula() throws {
        for golden in try cases() {
            let sampler: any CandidateSampler
            switch golden.sampler {
            case "log_uniform": sampler = try LogUniformSampler(classCount: golden.numClasses)
            case "uniform": sampler = try UniformSampler(classCount: golden.numClasses)
            default:
                XCTFail("\(golden.name): unknown sampler \(golden.sampler)")
                continue
            }
            let S = golden.numSampled
            let ids = golden.sampled.map(Int.init) + golden.labels.flatMap { $0 }.map(Int.init)
            let tensorFlow = golden.sampledExpectedCount + golden.trueExpectedCount.flatMap { $0 }
            func worstError(numTries: Int) -> Double {
                zip(ids, tensorFlow).map { id, expected in
                    let count = sampler.expectedCount(of: id, numSampled: S, numTries: numTries)
                    return abs(Double(count) - expected) / abs(expected)
                }.max() ?? .nan
            }
            let allPTimesS = zip(golden.sampled, golden.sampledExpectedCount).allSatisfy { id, count in
                let pS = Double(sampler.probability(of: Int(id)) * Float(S))
                return abs(pS - count) <= 1e-6 * abs(count)
            }
            let numTries: Int?
            if allPTimesS || !golden.unique {
                numTries = S
            } else {
                numTries = (S + 1...S + 10_000).first { worstError(numTries: $0) <= 1e-6 }
            }
            guard let tries = numTries else {
                XCTFail("\(golden.name): no num_tries in \(S)...\(S + 10_000) reproduces TensorFlow's counts")
                continue
            }
            let error = worstError(numTries: tries)
            XCTAssertLessThanOrEqual(error, 1e-6, "\(golden.name): expected counts with num_tries \(tries), worst \(error)")
            // TensorFlow's counts are float32 values; computed in Float the
            // same way, ours must carry the very same bits.
            for (id, expected) in zip(ids, tensorFlow) {
                let ours = sampler.expectedCount(of: id, numSampled: S, numTries: tries)
                XCTAssertEqual(
                    ours.bitPattern, Float(expected).bitPattern,
                    "\(golden.name): class \(id) expected count \(ours) vs TensorFlow's \(expected)")
            }
            if golden.name == "ssm_c10_s5" {
                XCTAssertEqual(tries, S, "ssm_c10_s5 has an expected count above 1, only possible as p·S")
                XCTAssertTrue(golden.sampledExpectedCount.contains { $0 > 1 })
            }
        }
    }
}

/// The precisions the golden vectors are checked in.
typealias RealModuleFloat = Real & BinaryFloatingPoint
