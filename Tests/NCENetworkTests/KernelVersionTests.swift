import CNumericKernels
import NCENetwork
import SampledLosses
import XCTest

/// The small C kernels (output-layer products, optimiser updates, ReLU,
/// dropout, max-pooling) give the same bits under every instruction-set
/// cap (`SparseInstructionSet` for the first ones, `ConvolutionInstructionSet`
/// for pooling), so capping them only changes their speed.
final class KernelVersionTests: XCTestCase {
    override func tearDown() {
        SparseInstructionSet.limit(to: .avx512)
        ConvolutionInstructionSet.limit(to: .avx512)
        super.tearDown()
    }

    /// Every cap the processor allows, best first.
    var caps: [Int] {
        SparseInstructionSet.limit(to: .avx512)
        return (0...SparseInstructionSet.current.rawValue).reversed()
    }

    /// Values with some exact zeros and negatives, as the kernels meet them.
    func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            rng.nextUnitInterval() < 0.2 ? 0 : Float(rng.nextUnitInterval() * 2 - 1)
        }
    }

    /// The bits `compute` gives under each cap, which must all be equal.
    func assertSameUnderEveryCap(
        _ what: String, limit: (Int) -> Void, file: StaticString = #filePath, line: UInt = #line,
        _ compute: () -> [Float]
    ) {
        var first: [UInt32]?
        for cap in caps {
            limit(cap)
            let bits = compute().map(\.bitPattern)
            if let first {
                XCTAssertTrue(bits == first, "\(what): cap \(cap) differs from the best set", file: file, line: line)
            } else {
                first = bits
            }
        }
    }

    func sparseCap(_ level: Int) { SparseInstructionSet.limit(to: SparseInstructionSet(rawValue: level)!) }
    func convCap(_ level: Int) { ConvolutionInstructionSet.limit(to: ConvolutionInstructionSet(rawValue: level)!) }

    func testOutputLayerProducts() {
        let batch = 7, dim = 1031, classes = 10, width = 3
        let x = values(batch * dim, seed: 1), w = values(classes * dim, seed: 2)
        let g = values(batch * width, seed: 3)
        let picked: [Int32] = (0..<(batch * width)).map { Int32(($0 * 7 + 3) % classes) }
        assertSameUnderEveryCap("dots", limit: sparseCap) {
            var out = [Float](repeating: 0, count: batch * width)
            mnist_nce_class_rows_dots_f32(&out, x, w, picked, dim, width, 0, batch)
            return out
        }
        assertSameUnderEveryCap("input gradient", limit: sparseCap) {
            var out = [Float](repeating: 0, count: batch * dim)
            mnist_nce_class_rows_input_gradient_f32(&out, g, w, picked, dim, width, 0, batch)
            return out
        }
        assertSameUnderEveryCap("weight and bias gradient", limit: sparseCap) {
            var dw = values(classes * dim, seed: 4), db = values(classes, seed: 5)
            mnist_nce_class_rows_weight_gradient_f32(&dw, &db, g, x, picked, dim, width, batch, 0, dim)
            return dw + db
        }
    }

    func testOptimiserUpdates() {
        let n = 10_007
        let gradient = values(n, seed: 6)
        assertSameUnderEveryCap("Adam", limit: sparseCap) {
            var p = values(n, seed: 7), m = values(n, seed: 8), v = values(n, seed: 9).map(abs)
            mnist_nce_adam_update_f32(&p, gradient, &m, &v, n, 0.9, 0.999, 0.001, 1e-8)
            return p + m + v
        }
        assertSameUnderEveryCap("SGD", limit: sparseCap) {
            var p = values(n, seed: 7), velocity = values(n, seed: 10)
            mnist_nce_sgd_update_f32(&p, gradient, &velocity, n, 0.9, 0.01)
            return p + velocity
        }
    }

    func testRectifierAndDropout() {
        let n = 4_099, rows = 3, width = 1_000
        let x = values(n, seed: 11), out = values(rows * width, seed: 12), g = values(rows * width, seed: 13)
        assertSameUnderEveryCap("ReLU forward", limit: sparseCap) {
            var y = x
            mnist_nce_relu_forward_inplace_f32(&y, n)
            return y
        }
        assertSameUnderEveryCap("ReLU backward", limit: sparseCap) {
            var d = g
            mnist_nce_relu_backward_inplace_f32(&d, out, rows * width)
            return d
        }
        assertSameUnderEveryCap("ReLU backward into padded rows", limit: sparseCap) {
            var d = [Float](repeating: -1, count: rows * (width + 24))
            mnist_nce_relu_backward_rows_f32(&d, width + 24, g, out, rows, width)
            return d
        }
        let draws: [UInt64] = (0..<((n + 1) / 2)).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        assertSameUnderEveryCap("dropout", limit: sparseCap) {
            var mask = [Float](repeating: 0, count: n)
            mnist_nce_dropout_mask_f32(&mask, draws, n, 1 << 31, 2)
            var y = [Float](repeating: 0, count: n)
            mnist_nce_dropout_apply_f32(&y, x, mask, n)
            return mask + y
        }
    }

    func testMaxPooling() {
        let images = 2, height = 7, width = 5, channels = 33
        let oh = (height + 1) / 2, ow = (width + 1) / 2
        let inp = values(images * height * width * channels, seed: 14)
        let dout = values(images * oh * ow * channels, seed: 15)
        assertSameUnderEveryCap("max-pool forward and backward", limit: convCap) {
            var out = [Float](repeating: 0, count: images * oh * ow * channels)
            var argmax = [UInt8](repeating: 0, count: out.count)
            mnist_nce_max_pool_forward_f32(&out, &argmax, inp, 0, images, height, width, channels, 1)
            var dinp = [Float](repeating: 0, count: inp.count)
            mnist_nce_max_pool_backward_f32(&dinp, dout, argmax, out, 0, images, height, width, channels)
            return out + dinp + argmax.map(Float.init)
        }
    }
}
