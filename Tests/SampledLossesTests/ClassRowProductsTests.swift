import XCTest
@testable import SampledLosses

/// The Float kernels of ``ClassRowProducts`` against the losses' plain loops
/// (``VectorKernels``, in the order the loops had before the kernels), bit
/// for bit.
final class ClassRowProductsTests: XCTestCase {
    /// A batch, weights and gradients; dim leaves a remainder after groups of
    /// 8 and of 64, and some gradient entries are exactly zero.
    struct Case {
        let batch: Int, dim: Int, classCount: Int, width: Int
        let inputs: [Float], weights: [Float], gradients: [Float]
        /// (batch, width), or nil for the full layer (class j in column j).
        let classes: [Int32]?

        init(batch: Int, dim: Int, classCount: Int, width: Int, gathered: Bool, seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            self.batch = batch
            self.dim = dim
            self.classCount = classCount
            self.width = width
            // ReLU-like inputs: about a third exactly zero.
            inputs = normals(batch * dim, using: &generator).map { Float(max($0 + 0.4, 0)) }
            weights = normals(classCount * dim, scale: 0.1, using: &generator).map { Float($0) }
            gradients = normals(batch * width, using: &generator).enumerated().map { $0.offset % 7 == 3 ? 0 : Float($0.element) }
            if gathered {
                // Each row's own class first, then classes shared by the
                // batch, one of them equal to some rows' own class.
                classes = (0..<batch).flatMap { b in
                    [Int32(b % classCount)] + (1..<width).map { Int32(($0 * 5) % classCount) }
                }
            } else {
                classes = nil
            }
        }

        func classOf(_ b: Int, _ j: Int) -> Int { classes.map { Int($0[b * width + j]) } ?? j }

        /// The losses' loops: dots, then for each row the input gradient from
        /// zero and the weight and bias gradients, entry by entry.
        func reference() -> (dots: [Float], dInputs: [Float], dWeights: [Float], dBiases: [Float]) {
            var dots = [Float](repeating: 0, count: batch * width)
            var dInputs = [Float](repeating: 0, count: batch * dim)
            var dWeights = [Float](repeating: 0.25, count: classCount * dim)
            var dBiases = [Float](repeating: 0.5, count: classCount)
            for b in 0..<batch {
                for j in 0..<width {
                    let k = classOf(b, j)
                    dots[b * width + j] = inputs.withUnsafeBufferPointer { x in
                        weights.withUnsafeBufferPointer { w in
                            VectorKernels.dot(x.baseAddress! + b * dim, w.baseAddress! + k * dim, dim)
                        }
                    }
                }
                for j in 0..<width {
                    let g = gradients[b * width + j]
                    if g == 0 { continue }
                    let k = classOf(b, j)
                    for d in 0..<dim {
                        dInputs[b * dim + d] += g * weights[k * dim + d]
                        dWeights[k * dim + d] += g * inputs[b * dim + d]
                    }
                    dBiases[k] += g
                }
            }
            return (dots, dInputs, dWeights, dBiases)
        }

        /// The kernels, rows and columns cut into the given ranges.
        func kernels(rowCuts: [Int], columnCuts: [Int]) -> (dots: [Float], dInputs: [Float], dWeights: [Float], dBiases: [Float]) {
            var dots = [Float](repeating: .nan, count: batch * width)
            var dInputs = [Float](repeating: .nan, count: batch * dim)
            var dWeights = [Float](repeating: 0.25, count: classCount * dim)
            var dBiases = [Float](repeating: 0.5, count: classCount)
            let rowRanges = zip([0] + rowCuts, rowCuts + [batch]).map { $0..<$1 }
            let columnRanges = zip([0] + columnCuts, columnCuts + [dim]).map { $0..<$1 }
            let ids = classes ?? []
            ids.withUnsafeBufferPointer { idBuffer in
                let classPointer = classes == nil ? nil : idBuffer.baseAddress
                for rows in rowRanges {
                    ClassRowProducts.dots(
                        out: &dots, inputs: inputs, weights: weights, classes: classPointer, dim: dim, width: width,
                        rows: rows)
                    ClassRowProducts.inputGradient(
                        dInputs: &dInputs, gradients: gradients, weights: weights, classes: classPointer, dim: dim,
                        width: width, rows: rows)
                }
                for (n, columns) in columnRanges.enumerated() {
                    dBiases.withUnsafeMutableBufferPointer { db in
                        ClassRowProducts.weightGradient(
                            dWeights: &dWeights, dBiases: n == 0 ? db.baseAddress! : nil, gradients: gradients,
                            inputs: inputs, classes: classPointer, dim: dim, width: width, batch: batch,
                            columns: columns)
                    }
                }
            }
            return (dots, dInputs, dWeights, dBiases)
        }
    }

    func assertSameBits(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let differing = zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
        XCTAssertEqual(differing, 0, "\(what): \(differing) of \(a.count) values differ", file: file, line: line)
    }

    func check(_ c: Case, rowCuts: [Int] = [], columnCuts: [Int] = [], file: StaticString = #filePath, line: UInt = #line) {
        let expected = c.reference()
        let found = c.kernels(rowCuts: rowCuts, columnCuts: columnCuts)
        assertSameBits(found.dots, expected.dots, "dots", file: file, line: line)
        assertSameBits(found.dInputs, expected.dInputs, "input gradient", file: file, line: line)
        assertSameBits(found.dWeights, expected.dWeights, "weight gradient", file: file, line: line)
        assertSameBits(found.dBiases, expected.dBiases, "bias gradient", file: file, line: line)
    }

    func testGatheredClassesMatchTheLossesLoops() {
        // Width 2 (NCE with one sample), 5 (pairs cross rows), dims with
        // and without remainders.
        for (dim, width) in [(1024, 2), (1031, 2), (71, 5), (7, 3), (1024, 10)] {
            check(Case(batch: 13, dim: dim, classCount: 10, width: width, gathered: true, seed: UInt64(dim * 16 + width)))
        }
    }

    func testFullLayerMatchesTheLossesLoops() {
        for dim in [1024, 200, 9] {
            check(Case(batch: 11, dim: dim, classCount: 10, width: 10, gathered: false, seed: UInt64(dim)))
        }
    }

    func testSplittingRowsAndColumnsGivesTheSameBits() {
        let c = Case(batch: 37, dim: 1031, classCount: 10, width: 10, gathered: false, seed: 5)
        check(c, rowCuts: [16, 32], columnCuts: [128, 256, 1024])
        let g = Case(batch: 37, dim: 1031, classCount: 10, width: 3, gathered: true, seed: 6)
        check(g, rowCuts: [1, 20], columnCuts: [64, 1000])
    }

    func testFullLayerAgreesWithDenseLogits() {
        let c = Case(batch: 9, dim: 100, classCount: 10, width: 10, gathered: false, seed: 8)
        let bias = (0..<10).map { Float($0) * 0.125 - 0.5 }
        var logits = [Float](repeating: 0, count: 90)
        DenseLogits.forward(
            logits: &logits, inputs: c.inputs, weights: c.weights, biases: bias, batch: 9, dim: 100, classCount: 10)
        let dots = c.kernels(rowCuts: [], columnCuts: []).dots
        assertSameBits(zip(dots.indices, dots).map { $1 + bias[$0 % 10] }, logits, "logits")
    }
}
