@testable import NCENetwork
import SampledLosses
import XCTest

/// The sparse kernels' fused forms (rectifier, Adam) against the separate
/// steps they replace, and every instruction set against the others, all
/// bit for bit.
final class SparseInputDenseFusionTests: XCTestCase {
    override func tearDown() {
        SparseInstructionSet.limit(to: .avx512)
        super.tearDown()
    }

    /// Every set the processor has, best first.
    var availableSets: [SparseInstructionSet] {
        SparseInstructionSet.limit(to: .avx512)
        let best = SparseInstructionSet.current
        return SparseInstructionSet.allCases.filter { $0.rawValue <= best.rawValue }.reversed()
    }

    struct Outputs: Equatable {
        var forward: [UInt32], rectified: [UInt32], dweight: [UInt32], dbias: [UInt32]
        var weight: [UInt32], first: [UInt32], second: [UInt32], adamBias: [UInt32]
    }

    /// Forward (plain and rectified), the weight gradient, and the fused
    /// Adam step, on one fixture.
    func outputs(
        rows: Int, inputs: Int, outputs: Int, seed: UInt64, threads: Int
    ) -> Outputs {
        var rng = SeededGenerator(seed: seed)
        let x = sparseFixture(rows: rows, columns: inputs, density: 0.2, using: &rng)
        let weight: [Float] = randomValues(inputs * outputs, using: &rng)
        let bias: [Float] = randomValues(outputs, using: &rng)
        let dout: [Float] = randomValues(rows * outputs, using: &rng)
        let first: [Float] = randomValues(inputs * outputs, using: &rng)
        let second: [Float] = (randomValues(inputs * outputs, using: &rng) as [Float]).map(abs)
        let batch = SparseInputBatch(maxBatch: rows, inputs: inputs)
        batch.load(x, batch: rows)
        let pool = WorkerPool(threads: threads)
        var out = [Float](repeating: .nan, count: rows * outputs), rectified = out
        SparseInputDense.forward(out: &out, weight: weight, bias: bias, batch: batch, outputs: outputs, pool: pool)
        SparseInputDense.forward(
            out: &rectified, weight: weight, bias: bias, batch: batch, outputs: outputs, relu: true, pool: pool)
        var dweight = [Float](repeating: .nan, count: inputs * outputs)
        var dbias = [Float](repeating: .nan, count: outputs)
        SparseInputDense.backwardWeights(
            dweight: &dweight, dbias: &dbias, dout: dout, batch: batch, outputs: outputs, accumulate: false, pool: pool)
        var w = weight, m = first, v = second, adamBias = [Float](repeating: .nan, count: outputs)
        SparseInputDense.backwardWeightsAdam(
            weight: &w, first: &m, second: &v, dbias: &adamBias, dout: dout, batch: batch, outputs: outputs,
            update: Self.constants, pool: pool)
        func bits(_ a: [Float]) -> [UInt32] { a.map(\.bitPattern) }
        return Outputs(
            forward: bits(out), rectified: bits(rectified), dweight: bits(dweight), dbias: bits(dbias),
            weight: bits(w), first: bits(m), second: bits(v), adamBias: bits(adamBias))
    }

    static let constants = AdamConstants(beta1: 0.9, beta2: 0.999, stepSize: 0.003, epsilon: 1e-8)

    /// Shapes with whole tiles, tails, one row, and more rows than the
    /// gradient kernel copies (300 > 256).
    static let shapes: [(rows: Int, inputs: Int, outputs: Int)] = [
        (32, 784, 1024), (7, 200, 1030), (9, 50, 17), (1, 300, 256), (300, 120, 200),
    ]

    func testFusedRectifierEqualsReLUAfterTheProduct() {
        for (index, shape) in Self.shapes.enumerated() {
            let result = outputs(rows: shape.rows, inputs: shape.inputs, outputs: shape.outputs, seed: UInt64(index), threads: 2)
            var expected = result.forward.map(Float.init(bitPattern:))
            ReLU.forward(&expected, count: expected.count)
            XCTAssertEqual(result.rectified, expected.map(\.bitPattern), "\(shape)")
            XCTAssertTrue(result.rectified.contains(0) && result.rectified.contains { $0 != 0 }, "\(shape)")
        }
    }

    func testFusedAdamEqualsTheGradientThenTheOptimizerKernel() {
        for (index, shape) in Self.shapes.enumerated() {
            let result = outputs(rows: shape.rows, inputs: shape.inputs, outputs: shape.outputs, seed: UInt64(index), threads: 2)
            // The same initial buffers as `outputs` draws them.
            var rng = SeededGenerator(seed: UInt64(index))
            _ = sparseFixture(rows: shape.rows, columns: shape.inputs, density: 0.2, using: &rng)
            var weight: [Float] = randomValues(shape.inputs * shape.outputs, using: &rng)
            _ = randomValues(shape.outputs, using: &rng) as [Float]
            _ = randomValues(shape.rows * shape.outputs, using: &rng) as [Float]
            var first: [Float] = randomValues(shape.inputs * shape.outputs, using: &rng)
            var second: [Float] = (randomValues(shape.inputs * shape.outputs, using: &rng) as [Float]).map(abs)
            var gradient = result.dweight.map(Float.init(bitPattern:))
            let c = Self.constants
            runUpdateKernel(
                kind: .adam, parameters: &weight, gradients: &gradient, first: &first, second: &second,
                adamStep: c.stepSize, adamEpsilon: c.epsilon, beta1: c.beta1, beta2: c.beta2, over: 0..<weight.count)
            XCTAssertEqual(result.weight, weight.map(\.bitPattern), "weight \(shape)")
            XCTAssertEqual(result.first, first.map(\.bitPattern), "first moment \(shape)")
            XCTAssertEqual(result.second, second.map(\.bitPattern), "second moment \(shape)")
            XCTAssertEqual(result.adamBias, result.dbias, "bias gradient \(shape)")
        }
    }

    /// Rows without entries whose first moment is +0 (pixels that have
    /// been dark for a while), next to every neighbour of that case: a −0
    /// or denormal moment, one lit lane, a NaN or infinite second moment,
    /// one that underflows, NaN and −0 weights; with the usual constants,
    /// a zero epsilon, an infinite step, a negative one and −0. The fused
    /// kernel gives the bits of the gradient then the optimizer kernel, on
    /// every set.
    func testFusedAdamOnDarkRowsEqualsTheOptimizerKernel() {
        let (rows, inputs, outputs) = (16, 40, 256)
        var rng = SeededGenerator(seed: 77)
        var x = sparseFixture(rows: rows, columns: inputs, density: 0.3, using: &rng)
        for b in 0..<rows { for i in 20..<inputs { x[b * inputs + i] = 0 } }
        let dout: [Float] = randomValues(rows * outputs, using: &rng)
        var weight: [Float] = randomValues(inputs * outputs, using: &rng)
        var first: [Float] = randomValues(inputs * outputs, using: &rng)
        var second: [Float] = (randomValues(inputs * outputs, using: &rng) as [Float]).map(abs)
        for at in 20 * outputs..<inputs * outputs { first[at] = 0 }
        for o in 0..<outputs { first[21 * outputs + o] = -0.0 }
        first[22 * outputs + 5] = .leastNonzeroMagnitude
        first[23 * outputs + 200] = 1e-3
        second[24 * outputs + 3] = .nan
        second[25 * outputs + 130] = .infinity
        for o in 0..<outputs { second[26 * outputs + o] = .leastNormalMagnitude }
        weight[27 * outputs + 9] = .nan
        weight[28 * outputs + 140] = -0.0
        for o in 0..<outputs { second[29 * outputs + o] = 0 }
        let batch = SparseInputBatch(maxBatch: rows, inputs: inputs)
        batch.load(x, batch: rows)
        XCTAssertEqual(batch.columnStart[20], batch.columnStart[inputs])
        let pool = WorkerPool(threads: 2)
        let usual = Self.constants
        var zeroEpsilon = usual, infiniteStep = usual, negativeStep = usual, negativeZeroStep = usual
        zeroEpsilon.epsilon = 0
        infiniteStep.stepSize = .infinity
        negativeStep.stepSize = -usual.stepSize
        negativeZeroStep.stepSize = -0.0
        for constants in [usual, zeroEpsilon, infiniteStep, negativeStep, negativeZeroStep] {
            var dweight = [Float](repeating: .nan, count: inputs * outputs)
            var dbias = [Float](repeating: .nan, count: outputs)
            SparseInputDense.backwardWeights(
                dweight: &dweight, dbias: &dbias, dout: dout, batch: batch, outputs: outputs, accumulate: false,
                pool: pool)
            var w = weight, m = first, v = second
            runUpdateKernel(
                kind: .adam, parameters: &w, gradients: &dweight, first: &m, second: &v,
                adamStep: constants.stepSize, adamEpsilon: constants.epsilon, beta1: constants.beta1,
                beta2: constants.beta2, over: 0..<w.count)
            let expected = (w + m + v).map(\.bitPattern)
            for set in availableSets {
                SparseInstructionSet.limit(to: set)
                var fw = weight, fm = first, fv = second, fbias = [Float](repeating: .nan, count: outputs)
                SparseInputDense.backwardWeightsAdam(
                    weight: &fw, first: &fm, second: &fv, dbias: &fbias, dout: dout, batch: batch, outputs: outputs,
                    update: constants, pool: pool)
                let found = (fw + fm + fv).map(\.bitPattern)
                let first = found.indices.first { found[$0] != expected[$0] }
                XCTAssertNil(first, "value \(first ?? 0) of weight, moments: \(set), \(constants)")
            }
        }
    }

    /// Every instruction set and thread count gives the bits of the best
    /// set on one thread.
    func testInstructionSetsAndThreadCountsGiveTheSameBits() {
        for (index, shape) in Self.shapes.enumerated() {
            SparseInstructionSet.limit(to: .avx512)
            let expected = outputs(rows: shape.rows, inputs: shape.inputs, outputs: shape.outputs, seed: UInt64(index), threads: 1)
            for set in availableSets {
                SparseInstructionSet.limit(to: set)
                XCTAssertEqual(SparseInstructionSet.current, set)
                for threads in [1, 3] {
                    let result = outputs(
                        rows: shape.rows, inputs: shape.inputs, outputs: shape.outputs, seed: UInt64(index), threads: threads)
                    XCTAssertTrue(result == expected, "\(set), \(threads) threads, \(shape)")
                }
            }
        }
    }

    /// dout read from rows with a padded stride (as the training step
    /// passes it) gives the bits of the packed rows, in both gradient
    /// kernels.
    func testPaddedDoutRowsGiveTheSameBits() {
        for (index, shape) in Self.shapes.enumerated() {
            var rng = SeededGenerator(seed: UInt64(40 + index))
            let (rows, inputs, outputs) = shape
            let x = sparseFixture(rows: rows, columns: inputs, density: 0.2, using: &rng)
            let dout: [Float] = randomValues(rows * outputs, using: &rng)
            let weight: [Float] = randomValues(inputs * outputs, using: &rng)
            let first: [Float] = randomValues(inputs * outputs, using: &rng)
            let second: [Float] = (randomValues(inputs * outputs, using: &rng) as [Float]).map(abs)
            let stride = SparseInputDense.paddedRowStride(outputs: outputs)
            var padded = [Float](repeating: .nan, count: rows * stride)
            for r in 0..<rows { for o in 0..<outputs { padded[r * stride + o] = dout[r * outputs + o] } }
            let batch = SparseInputBatch(maxBatch: rows, inputs: inputs)
            batch.load(x, batch: rows)
            let pool = WorkerPool(threads: 2)
            var results: [[UInt32]] = []
            for (source, rowStride) in [(dout, outputs), (padded, stride)] {
                var dweight = [Float](repeating: .nan, count: inputs * outputs)
                var dbias = [Float](repeating: .nan, count: outputs)
                SparseInputDense.backwardWeights(
                    dweight: &dweight, dbias: &dbias, dout: source, doutStride: rowStride, batch: batch,
                    outputs: outputs, accumulate: false, pool: pool)
                var w = weight, m = first, v = second, adamBias = [Float](repeating: .nan, count: outputs)
                SparseInputDense.backwardWeightsAdam(
                    weight: &w, first: &m, second: &v, dbias: &adamBias, dout: source, doutStride: rowStride,
                    batch: batch, outputs: outputs, update: Self.constants, pool: pool)
                results.append((dweight + dbias + w + m + v + adamBias).map(\.bitPattern))
            }
            XCTAssertEqual(results[0], results[1], "\(shape)")
            XCTAssertFalse(results[1].contains(Float.nan.bitPattern), "\(shape)")
        }
    }

    /// The vector row pass lists the same entries as the scalar one, with
    /// NaNs kept, signed zeros dropped, and widths that are not whole vectors.
    func testEveryInstructionSetListsTheSameEntries() {
        var rng = SeededGenerator(seed: 21)
        for (rows, inputs) in [(5, 37), (32, 784), (3, 16), (4, 7)] {
            var x = sparseFixture(rows: rows, columns: inputs, density: 0.3, using: &rng)
            x[1] = .nan
            x[2] = -0.0
            x[x.count - 1] = .infinity
            var lists: [[Int32]] = []
            for set in availableSets {
                SparseInstructionSet.limit(to: set)
                let batch = SparseInputBatch(maxBatch: rows, inputs: inputs)
                batch.load(x, batch: rows)
                let n = batch.nonZeroCount
                var list = Array(UnsafeBufferPointer(start: batch.rowStart, count: rows + 1))
                list += UnsafeBufferPointer(start: batch.rowColumns, count: n)
                list += UnsafeBufferPointer(start: batch.columnStart, count: inputs + 1)
                list += UnsafeBufferPointer(start: batch.columnRows, count: n)
                list += UnsafeBufferPointer(start: batch.rowValues, count: n).map { Int32(bitPattern: $0.bitPattern) }
                list += UnsafeBufferPointer(start: batch.columnValues, count: n).map { Int32(bitPattern: $0.bitPattern) }
                XCTAssertEqual(n, x.filter { $0 != 0 }.count, "\(set) \(rows)×\(inputs)")
                lists.append(list)
            }
            for (index, set) in availableSets.enumerated().dropFirst() {
                XCTAssertEqual(lists[index], lists[0], "\(set) \(rows)×\(inputs)")
            }
        }
    }

    /// Training takes the fused path (Adam, sparse, MLP) on every set and
    /// gives the same parameters.
    func testTrainingGivesTheSameParametersOnEveryInstructionSet() throws {
        let data = try bundledSubset(train: 300, validation: 10, test: 10)
        var reference: [UInt32]?
        for set in availableSets {
            SparseInstructionSet.limit(to: set)
            var configuration = TrainingConfiguration()
            configuration.epochs = 1
            configuration.threads = 2
            configuration.model.hiddenUnits = 256
            let trainer = try Trainer(configuration: configuration, data: data)
            _ = try trainer.runEpoch()
            let bits = trainer.network.parameters.allValues().map(\.bitPattern)
            if let reference {
                XCTAssertTrue(bits == reference, "\(set) against the best set")
            } else {
                reference = bits
            }
        }
    }
}
