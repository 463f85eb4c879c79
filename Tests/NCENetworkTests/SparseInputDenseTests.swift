@testable import NCENetwork
import SampledLosses
import XCTest

/// `body` given the array's storage, or nil for a nil array.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// The sparse-input kernels against the dense reference loops, and their
/// results across thread counts.
final class SparseInputDenseTests: XCTestCase {
    struct Results {
        var out: [Float], dweight: [Float], dbias: [Float]
    }

    /// One forward and one weight-gradient call of the kernels on `x`.
    func runKernels(
        x: [Float], weight: [Float], bias: [Float]?, dout: [Float], start: [Float], startBias: [Float],
        rows: Int, inputs: Int, outputs: Int, accumulate: Bool, threads: Int
    ) -> Results {
        let batch = SparseInputBatch(maxBatch: max(rows, 1), inputs: inputs)
        batch.load(x, batch: rows)
        var out = [Float](repeating: .nan, count: rows * outputs)
        var dweight = start, dbias = startBias
        withOptionalPointer(bias) { biasPointer in
            SparseInputDense.forward(
                out: &out, weight: weight, bias: biasPointer, batch: batch, outputs: outputs, pool: WorkerPool(threads: threads))
        }
        SparseInputDense.backwardWeights(
            dweight: &dweight, dbias: &dbias, dout: dout, batch: batch, outputs: outputs,
            accumulate: accumulate, pool: WorkerPool(threads: threads))
        return Results(out: out, dweight: dweight, dbias: dbias)
    }

    /// Kernels against the reference for threads 1, 2, 3 and 8, which must
    /// also agree with each other bit for bit.
    func check(rows: Int, inputs: Int, outputs: Int, density: Double, bias: Bool, accumulate: Bool, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let x = sparseFixture(rows: rows, columns: inputs, density: density, using: &rng)
        let weight: [Float] = randomValues(inputs * outputs, using: &rng)
        let biasValues: [Float]? = bias ? randomValues(outputs, using: &rng) : nil
        let dout: [Float] = randomValues(rows * outputs, using: &rng)
        let start: [Float] = randomValues(inputs * outputs, using: &rng)
        let startBias: [Float] = randomValues(outputs, using: &rng)
        let label = "\(rows)×\(inputs)→\(outputs) density \(density) bias \(bias) accumulate \(accumulate)"

        var out = [Float](repeating: 0, count: rows * outputs)
        var dweight = start, dbias = startBias
        withOptionalPointer(biasValues) { biasPointer in
            SparseInputDenseReference.forward(
                out: &out, x: x, weight: weight, bias: biasPointer, batch: rows, inputs: inputs, outputs: outputs)
        }
        SparseInputDenseReference.backwardWeights(
            dweight: &dweight, dbias: &dbias, dout: dout, x: x, batch: rows, inputs: inputs, outputs: outputs,
            accumulate: accumulate)

        let single = runKernels(
            x: x, weight: weight, bias: biasValues, dout: dout, start: start, startBias: startBias,
            rows: rows, inputs: inputs, outputs: outputs, accumulate: accumulate, threads: 1)
        XCTAssertLessThan(relativeError(single.out, out), 1e-5, "forward \(label)")
        XCTAssertLessThan(relativeError(single.dweight, dweight), 1e-5, "dweight \(label)")
        XCTAssertLessThan(relativeError(single.dbias, dbias), 1e-5, "dbias \(label)")
        if !accumulate {
            // Column 0 is zero in every row: its gradient row is overwritten with zeros.
            XCTAssertTrue(single.dweight[0..<outputs].allSatisfy { $0 == 0 }, "empty column \(label)")
        }
        for threads in [2, 3, 8] {
            let split = runKernels(
                x: x, weight: weight, bias: biasValues, dout: dout, start: start, startBias: startBias,
                rows: rows, inputs: inputs, outputs: outputs, accumulate: accumulate, threads: threads)
            XCTAssertEqual(split.out.map(\.bitPattern), single.out.map(\.bitPattern), "forward, \(threads) threads, \(label)")
            XCTAssertEqual(
                split.dweight.map(\.bitPattern), single.dweight.map(\.bitPattern), "dweight, \(threads) threads, \(label)")
            XCTAssertEqual(split.dbias.map(\.bitPattern), single.dbias.map(\.bitPattern), "dbias, \(threads) threads, \(label)")
        }
    }

    func testMatchesReferenceAtTrainingShape() {
        check(rows: 128, inputs: 784, outputs: 1024, density: 0.2, bias: true, accumulate: true, seed: 1)
    }

    func testMatchesReferenceWhenOutputsAreNotWholeTiles() {
        // 1030 = 8 tiles of 128 + 6; 1000 = 7 tiles + 6 vectors of 16 + 8; 17 and 1 have no whole tile.
        check(rows: 128, inputs: 200, outputs: 1030, density: 0.2, bias: true, accumulate: false, seed: 2)
        check(rows: 7, inputs: 784, outputs: 1000, density: 0.2, bias: false, accumulate: true, seed: 3)
        check(rows: 7, inputs: 50, outputs: 17, density: 0.2, bias: true, accumulate: true, seed: 4)
        check(rows: 128, inputs: 50, outputs: 1, density: 0.2, bias: false, accumulate: false, seed: 5)
    }

    func testMatchesReferenceOnSingleRowsAndDenseOrEmptyBatches() {
        check(rows: 1, inputs: 784, outputs: 1024, density: 0.2, bias: true, accumulate: false, seed: 6)
        check(rows: 1, inputs: 1, outputs: 17, density: 1, bias: true, accumulate: true, seed: 7)
        check(rows: 7, inputs: 300, outputs: 1030, density: 1, bias: true, accumulate: false, seed: 8)
        check(rows: 7, inputs: 300, outputs: 1024, density: 0, bias: false, accumulate: true, seed: 9)
    }

    func testMatchesReferenceWhenLargeBatchesSplitByRows() {
        // About 47,000 entries plus items: three item chunks for each kernel.
        check(rows: 300, inputs: 784, outputs: 300, density: 0.2, bias: true, accumulate: false, seed: 14)
    }

    /// The parts of a call cover every output column exactly once, and are
    /// cut by the shapes alone.
    func testPartsCoverEveryColumnExactlyOnce() {
        let target = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        let offsets = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        defer {
            target.deallocate()
            offsets.deallocate()
        }
        offsets.initialize(to: 0)
        for outputs in [1, 17, 127, 128, 129, 300, 1024, 1030] {
            // Never run: only the parts' bounds are computed.
            let arguments = SparseKernelArguments(
                kernel: .forward, target: target, start: offsets, index: offsets, values: target,
                source: target, count: 0, batch: 0, outputs: outputs)
            XCTAssertEqual(arguments.parts, max(1, outputs / SparseKernelArguments.columnTile), "\(outputs)")
            var covered = [Int](repeating: 0, count: outputs)
            for part in 0..<arguments.parts {
                let columns = arguments.columnGroup(part)
                if part + 1 < arguments.parts {
                    XCTAssertEqual(columns.count, SparseKernelArguments.columnTile, "\(outputs)")
                }
                for column in columns { covered[column] += 1 }
            }
            XCTAssertTrue(covered.allSatisfy { $0 == 1 }, "\(outputs)")
        }
    }

    func testMatchesReferenceWithManyInputs() {
        // More input columns than the kernels keep cursors for at once.
        check(rows: 3, inputs: 1100, outputs: 130, density: 0.2, bias: true, accumulate: true, seed: 13)
    }

    func testAllZeroBatchGivesBiasAndZeroGradient() {
        let (rows, inputs, outputs) = (3, 5, 20)
        let batch = SparseInputBatch(maxBatch: rows, inputs: inputs)
        batch.load([Float](repeating: 0, count: rows * inputs), batch: rows)
        let weight = [Float](repeating: 1, count: inputs * outputs)
        let bias = (0..<outputs).map { Float($0) - 7.5 }
        var out = [Float](repeating: .nan, count: rows * outputs)
        SparseInputDense.forward(out: &out, weight: weight, bias: bias, batch: batch, outputs: outputs, pool: WorkerPool(threads: 2))
        XCTAssertEqual(out, bias + bias + bias)
        SparseInputDense.forward(out: &out, weight: weight, bias: nil, batch: batch, outputs: outputs, pool: WorkerPool(threads: 2))
        XCTAssertTrue(out.allSatisfy { $0 == 0 })

        var dweight = [Float](repeating: .nan, count: inputs * outputs)
        let dout = [Float](repeating: 1, count: rows * outputs)
        SparseInputDense.backwardWeights(
            dweight: &dweight, dbias: nil, dout: dout, batch: batch, outputs: outputs, accumulate: false, pool: WorkerPool(threads: 2))
        XCTAssertTrue(dweight.allSatisfy { $0 == 0 })
    }

    func testAccumulatingTwiceDoublesTheGradient() {
        var rng = SeededGenerator(seed: 10)
        let (rows, inputs, outputs) = (9, 40, 150)
        let x = sparseFixture(rows: rows, columns: inputs, density: 0.3, using: &rng)
        let dout: [Float] = randomValues(rows * outputs, using: &rng)
        let batch = SparseInputBatch(maxBatch: rows, inputs: inputs)
        batch.load(x, batch: rows)
        var once = [Float](repeating: .nan, count: inputs * outputs), onceBias = [Float](repeating: .nan, count: outputs)
        SparseInputDense.backwardWeights(
            dweight: &once, dbias: &onceBias, dout: dout, batch: batch, outputs: outputs, accumulate: false)
        var twice = once, twiceBias = onceBias
        SparseInputDense.backwardWeights(
            dweight: &twice, dbias: &twiceBias, dout: dout, batch: batch, outputs: outputs, accumulate: true)
        XCTAssertLessThan(relativeError(twice, once.map { 2 * $0 }), 1e-6)
        XCTAssertLessThan(relativeError(twiceBias, onceBias.map { 2 * $0 }), 1e-6)
    }

    func testReusedBatchMatchesReferenceOnBundledImages() throws {
        // Real MNIST pixels in [0, 1]: two consecutive batches through one
        // SparseInputBatch, as training uses it.
        let data = try bundledSubset(train: 256, validation: 1, test: 1)
        var rng = SeededGenerator(seed: 12)
        let (rows, inputs, outputs) = (128, data.train.pixelsPerImage, 64)
        let weight: [Float] = randomValues(inputs * outputs, using: &rng)
        let batch = SparseInputBatch(maxBatch: rows, inputs: inputs)
        for first in [0, rows] {
            let x = data.train.pixels[(first * inputs)..<((first + rows) * inputs)].map { Float($0) / 255 }
            batch.load(x, batch: rows)
            XCTAssertLessThan(Double(batch.nonZeroCount) / Double(x.count), 0.3, "MNIST images are mostly zeros")
            var out = [Float](repeating: .nan, count: rows * outputs), expected = out
            SparseInputDense.forward(out: &out, weight: weight, bias: nil, batch: batch, outputs: outputs, pool: WorkerPool(threads: 2))
            SparseInputDenseReference.forward(
                out: &expected, x: x, weight: weight, bias: nil, batch: rows, inputs: inputs, outputs: outputs)
            XCTAssertLessThan(relativeError(out, expected), 1e-5)
        }
    }
}
