import Foundation
import NCENetwork
import XCTest

/// One TensorFlow golden case for the convolutional layers (see the README
/// beside the shared `conv-golden` folder): arrays flat, row-major, NHWC
/// activations and HWIO filters; gradients of Σ output · upstream.
struct ConvGoldenCase: Decodable {
    var name: String
    var kind: String
    var inputShape: [Int]
    var input: [Double]
    var upstream: [Double]
    var gradInput: [Double]
    // conv2d
    var filterShape: [Int]?
    var filter: [Double]?
    var bias: [Double]?
    var gradFilter: [Double]?
    var gradBias: [Double]?
    // conv2d and max_pool
    var outputShape: [Int]?
    var output: [Double]?
    // deepnn
    var embedShape: [Int]?
    var embed: [Double]?
    var conv1FilterShape: [Int]?
    var conv1Filter: [Double]?
    var conv1Bias: [Double]?
    var conv2FilterShape: [Int]?
    var conv2Filter: [Double]?
    var conv2Bias: [Double]?
    var fcWeightShape: [Int]?
    var fcWeight: [Double]?
    var fcBias: [Double]?
    var gradConv1Filter: [Double]?
    var gradConv1Bias: [Double]?
    var gradConv2Filter: [Double]?
    var gradConv2Bias: [Double]?
    var gradFcWeight: [Double]?
    var gradFcBias: [Double]?

    static func load(_ url: URL) throws -> ConvGoldenCase {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ConvGoldenCase.self, from: Data(contentsOf: url))
    }
}

/// Computed arrays of one case by name, beside TensorFlow's.
typealias GoldenComparison = [(name: String, actual: [Double], expected: [Double])]

final class ConvGoldenVectorTests: XCTestCase {
    /// Every case bundled with the tests, plus every `*.json` in
    /// `CONV_GOLDEN_DIR` when that variable is set.
    func goldenFiles() throws -> [URL] {
        var folders: [URL] = []
        let bundled = try XCTUnwrap(
            Bundle.module.url(forResource: "conv-golden", withExtension: nil, subdirectory: "Fixtures"),
            "the test bundle must contain Fixtures/conv-golden")
        folders.append(bundled)
        if let extra = ProcessInfo.processInfo.environment["CONV_GOLDEN_DIR"], !extra.isEmpty {
            folders.append(URL(fileURLWithPath: extra, isDirectory: true))
        }
        var files: [URL] = []
        for folder in folders {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            files += names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
        }
        return files
    }

    func cases() throws -> [ConvGoldenCase] {
        let files = try goldenFiles()
        XCTAssertGreaterThanOrEqual(files.count, 5, "expected the five bundled golden cases")
        return try files.map { file in
            do { return try ConvGoldenCase.load(file) } catch {
                XCTFail("cannot decode \(file.lastPathComponent): \(error)")
                throw error
            }
        }
    }

    /// Largest |actual − expected| relative to the largest |expected|.
    func worstError(_ actual: [Double], _ expected: [Double]) -> Double {
        guard actual.count == expected.count else { return .infinity }
        let scale = expected.map(abs).max() ?? 0
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        return scale > 0 ? worst / scale : worst
    }

    /// Checks every array of a case and prints the worst error, on every run.
    func check(_ comparison: GoldenComparison, tolerance: Double, label: String) {
        var report = "\(label): worst relative error"
        var worstOfCase = 0.0
        for (name, actual, expected) in comparison {
            XCTAssertEqual(actual.count, expected.count, "\(label): \(name) size")
            let error = worstError(actual, expected)
            XCTAssertLessThanOrEqual(error, tolerance, "\(label): \(name)")
            report += String(format: ", %@ %.2e", name, error)
            worstOfCase = max(worstOfCase, error)
        }
        print(report + String(format: " (case worst %.2e)", worstOfCase))
    }

    func convolution<T: NetworkScalar>(
        _ golden: ConvGoldenCase, _: T.Type, algorithm: Conv2DAlgorithm?
    ) throws -> GoldenComparison {
        let shape = golden.inputShape, filterShape = try XCTUnwrap(golden.filterShape)
        XCTAssertEqual(shape.count, 4)
        XCTAssertEqual(filterShape[0], filterShape[1], "square kernel")
        XCTAssertEqual(filterShape[2], shape[3], "filter input channels")
        let (batch, height, width, c, k, oc) = (shape[0], shape[1], shape[2], shape[3], filterShape[0], filterShape[3])
        XCTAssertEqual(golden.outputShape, [batch, height, width, oc])
        let x = golden.input.map { T($0) }, w = try XCTUnwrap(golden.filter).map { T($0) }
        let b = try XCTUnwrap(golden.bias).map { T($0) }, upstream = golden.upstream.map { T($0) }
        var out = [T](repeating: 0, count: batch * height * width * oc)
        var dx = [T](repeating: 0, count: x.count), dw = [T](repeating: 0, count: w.count), db = [T](repeating: 0, count: oc)
        if let algorithm {
            let layer = Conv2D<T>(
                height: height, width: width, inChannels: c, outChannels: oc, kernel: k, maxBatch: batch,
                algorithm: algorithm, pool: WorkerPool(threads: 2))
            layer.forward(out: &out, inp: x, filter: w, bias: b, batch: batch)
            layer.backward(dinp: &dx, dfilter: &dw, dbias: &db, dout: upstream, inp: x, filter: w, batch: batch, accumulate: false)
        } else {
            Conv2DReference.forward(
                out: &out, inp: x, filter: w, bias: b, batch: batch, height: height, width: width,
                inChannels: c, outChannels: oc, kernel: k)
            Conv2DReference.backward(
                dinp: &dx, dfilter: &dw, dbias: &db, dout: upstream, inp: x, filter: w, batch: batch,
                height: height, width: width, inChannels: c, outChannels: oc, kernel: k, accumulate: false)
        }
        func double(_ a: [T]) -> [Double] { a.map { Double($0) } }
        return [
            ("output", double(out), try XCTUnwrap(golden.output)),
            ("grad_input", double(dx), golden.gradInput),
            ("grad_filter", double(dw), try XCTUnwrap(golden.gradFilter)),
            ("grad_bias", double(db), try XCTUnwrap(golden.gradBias)),
        ]
    }

    func pooling<T: NetworkScalar>(_ golden: ConvGoldenCase, _: T.Type, reference: Bool) throws -> GoldenComparison {
        let shape = golden.inputShape
        let (batch, height, width, c) = (shape[0], shape[1], shape[2], shape[3])
        let oh = MaxPool2D.outputSize(height), ow = MaxPool2D.outputSize(width)
        XCTAssertEqual(golden.outputShape, [batch, oh, ow, c])
        let x = golden.input.map { T($0) }, upstream = golden.upstream.map { T($0) }
        var out = [T](repeating: 0, count: batch * oh * ow * c), argmax = [UInt8](repeating: 0, count: out.count)
        var dx = [T](repeating: 0, count: x.count)
        if reference {
            MaxPool2DReference.forward(out: &out, argmax: &argmax, inp: x, batch: batch, height: height, width: width, channels: c)
            MaxPool2DReference.backward(dinp: &dx, dout: upstream, argmax: argmax, batch: batch, height: height, width: width, channels: c)
        } else {
            let pool = WorkerPool(threads: 2)
            MaxPool2D.forward(out: &out, argmax: &argmax, inp: x, batch: batch, height: height, width: width, channels: c, pool: pool)
            MaxPool2D.backward(dinp: &dx, dout: upstream, argmax: argmax, batch: batch, height: height, width: width, channels: c, pool: pool)
        }
        return [
            ("output", out.map { Double($0) }, try XCTUnwrap(golden.output)),
            ("grad_input", dx.map { Double($0) }, golden.gradInput),
        ]
    }

    /// The tutorial network's front end, chained from the layers:
    /// conv1 + bias + ReLU → pool → conv2 + bias + ReLU → pool → flatten
    /// (NHWC order) → dense (input-major) + bias → ReLU = embed; then
    /// backward from dout = upstream.
    func deepnn<T: NetworkScalar>(_ golden: ConvGoldenCase, _: T.Type, algorithm: Conv2DAlgorithm?) throws -> GoldenComparison {
        let shape = golden.inputShape
        let f1 = try XCTUnwrap(golden.conv1FilterShape), f2 = try XCTUnwrap(golden.conv2FilterShape)
        let fc = try XCTUnwrap(golden.fcWeightShape)
        let batch = shape[0], h1 = shape[1], w1 = shape[2], c0 = shape[3]
        let k1 = f1[0], c1 = f1[3], k2 = f2[0], c2 = f2[3]
        let h2 = MaxPool2D.outputSize(h1), w2 = MaxPool2D.outputSize(w1)
        let h3 = MaxPool2D.outputSize(h2), w3 = MaxPool2D.outputSize(w2)
        let features = h3 * w3 * c2, units = fc[1]
        XCTAssertEqual(f1[2], c0)
        XCTAssertEqual(f2[2], c1)
        XCTAssertEqual(fc[0], features, "fc_weight rows = flattened features")
        XCTAssertEqual(golden.embedShape, [batch, units])

        func values(_ array: [Double]?) throws -> [T] { try XCTUnwrap(array).map { T($0) } }
        let x = golden.input.map { T($0) }
        let filter1 = try values(golden.conv1Filter), bias1 = try values(golden.conv1Bias)
        let filter2 = try values(golden.conv2Filter), bias2 = try values(golden.conv2Bias)
        let weight = try values(golden.fcWeight), fcBias = try values(golden.fcBias)
        let upstream = golden.upstream.map { T($0) }

        let pool = WorkerPool(threads: 2)
        let conv1 = Conv2D<T>(
            height: h1, width: w1, inChannels: c0, outChannels: c1, kernel: k1, maxBatch: batch,
            algorithm: algorithm ?? .automatic(for: T.self, inChannels: c0), pool: pool)
        let conv2 = Conv2D<T>(
            height: h2, width: w2, inChannels: c1, outChannels: c2, kernel: k2, maxBatch: batch,
            algorithm: algorithm ?? .automatic(for: T.self, inChannels: c1), pool: pool)
        func zeros(_ n: Int) -> [T] { [T](repeating: 0, count: n) }

        // Forward.
        var a1 = zeros(batch * h1 * w1 * c1), p1 = zeros(batch * h2 * w2 * c1)
        var a2 = zeros(batch * h2 * w2 * c2), p2 = zeros(batch * features)
        var argmax1 = [UInt8](repeating: 0, count: p1.count), argmax2 = [UInt8](repeating: 0, count: p2.count)
        var embed = zeros(batch * units)
        conv1.forward(out: &a1, inp: x, filter: filter1, bias: bias1, batch: batch, relu: true)
        MaxPool2D.forward(out: &p1, argmax: &argmax1, inp: a1, batch: batch, height: h1, width: w1, channels: c1, pool: pool)
        conv2.forward(out: &a2, inp: p1, filter: filter2, bias: bias2, batch: batch, relu: true)
        // p2 is (B, h3, w3, c2) in NHWC order: already the flattened rows.
        MaxPool2D.forward(out: &p2, argmax: &argmax2, inp: a2, batch: batch, height: h2, width: w2, channels: c2, pool: pool)
        Dense.forward(out: &embed, inp: p2, weight: weight, bias: fcBias, batch: batch, inputs: features, outputs: units, layout: .inputMajor)
        ReLU.forward(&embed, count: embed.count)

        // Backward.
        var dEmbed = upstream
        ReLU.backward(&dEmbed, out: embed, count: embed.count)
        var dWeight = zeros(weight.count), dFcBias = zeros(units), dP2 = zeros(p2.count)
        Dense.backward(
            dinp: &dP2, dweight: &dWeight, dbias: &dFcBias, dout: dEmbed, inp: p2, weight: weight,
            batch: batch, inputs: features, outputs: units, layout: .inputMajor, accumulate: false)
        var dA2 = zeros(a2.count), dP1 = zeros(p1.count), dA1 = zeros(a1.count), dx = zeros(x.count)
        var dFilter2 = zeros(filter2.count), dBias2 = zeros(c2), dFilter1 = zeros(filter1.count), dBias1 = zeros(c1)
        // The pooled outputs mask the gradients where the ReLUs were zero.
        MaxPool2D.backward(dinp: &dA2, dout: dP2, argmax: argmax2, positiveOnly: p2, batch: batch, height: h2, width: w2, channels: c2, pool: pool)
        conv2.backward(dinp: &dP1, dfilter: &dFilter2, dbias: &dBias2, dout: dA2, inp: p1, filter: filter2, batch: batch, accumulate: false)
        MaxPool2D.backward(dinp: &dA1, dout: dP1, argmax: argmax1, positiveOnly: p1, batch: batch, height: h1, width: w1, channels: c1, pool: pool)
        conv1.backward(dinp: &dx, dfilter: &dFilter1, dbias: &dBias1, dout: dA1, inp: x, filter: filter1, batch: batch, accumulate: false)

        func double(_ a: [T]) -> [Double] { a.map { Double($0) } }
        return [
            ("embed", double(embed), try XCTUnwrap(golden.embed)),
            ("grad_input", double(dx), golden.gradInput),
            ("grad_conv1_filter", double(dFilter1), try XCTUnwrap(golden.gradConv1Filter)),
            ("grad_conv1_bias", double(dBias1), try XCTUnwrap(golden.gradConv1Bias)),
            ("grad_conv2_filter", double(dFilter2), try XCTUnwrap(golden.gradConv2Filter)),
            ("grad_conv2_bias", double(dBias2), try XCTUnwrap(golden.gradConv2Bias)),
            ("grad_fc_weight", double(dWeight), try XCTUnwrap(golden.gradFcWeight)),
            ("grad_fc_bias", double(dFcBias), try XCTUnwrap(golden.gradFcBias)),
        ]
    }

    func assertMatchesTensorFlow<T: NetworkScalar>(_ type: T.Type, tolerance: Double) throws {
        // Float runs every algorithm; Double runs the layer (im2col + BLAS)
        // and the reference loops.
        let algorithms: [Conv2DAlgorithm?] = T.self == Float.self ? Conv2DAlgorithm.allCases : [.im2colGEMM, nil]
        var seen = Set<String>()
        for golden in try cases() {
            seen.insert(golden.kind)
            switch golden.kind {
            case "conv2d":
                for algorithm in algorithms {
                    let label = "\(golden.name) [\(T.self), \(algorithm?.rawValue ?? "reference")]"
                    check(try convolution(golden, T.self, algorithm: algorithm), tolerance: tolerance, label: label)
                }
            case "max_pool":
                for reference in [false, true] {
                    let label = "\(golden.name) [\(T.self), \(reference ? "reference" : "kernel")]"
                    check(try pooling(golden, T.self, reference: reference), tolerance: tolerance, label: label)
                }
            case "deepnn":
                // nil: each convolution's automatic choice.
                let chains: [Conv2DAlgorithm?] = T.self == Float.self ? [nil, .sparseInput, .im2colGEMM] : [nil]
                for algorithm in chains {
                    let label = "\(golden.name) [\(T.self), \(algorithm?.rawValue ?? "automatic")]"
                    check(try deepnn(golden, T.self, algorithm: algorithm), tolerance: tolerance, label: label)
                }
            default:
                XCTFail("\(golden.name): unknown kind \(golden.kind)")
            }
        }
        XCTAssertEqual(seen, ["conv2d", "max_pool", "deepnn"], "every kind of case ran")
    }

    func testFloatMatchesTensorFlow() throws {
        try assertMatchesTensorFlow(Float.self, tolerance: 1e-5)
    }

    func testDoubleMatchesTensorFlow() throws {
        try assertMatchesTensorFlow(Double.self, tolerance: 1e-12)
    }
}
