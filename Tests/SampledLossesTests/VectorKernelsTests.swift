import XCTest
@testable import SampledLosses

final class VectorKernelsTests: XCTestCase {
    func testDotMatchesPlainSumForEveryLengthAroundTheUnrolling() {
        var generator = SeededGenerator(seed: 91)
        for count in 0...20 {
            let a = normals(count, using: &generator)
            let b = normals(count, using: &generator)
            let expected = zip(a, b).map { $0 * $1 }.reduce(0, +)
            let dot = VectorKernels.dot(a, b, count)
            assertRelative(dot, expected, tolerance: 1e-12, floor: 1, "dot of length \(count)")
        }
    }

    func testAxpyAddsScaledVector() {
        var y: [Float] = [1, 2, 3]
        VectorKernels.axpy(2, [1, -1, 0.5], &y, 3)
        assertClose(y, [3, 0, 4] as [Double], tolerance: 1e-7, "axpy")
    }

    func testLogSumExpIsStableForLargeAndSmallValues() {
        let large: [Float] = [1000, 1000]
        assertRelative(Double(VectorKernels.logSumExp(large, 2)), 1000 + 0.6931471805599453, tolerance: 1e-6, "large")
        let small: [Double] = [-1000, -1001]
        assertRelative(VectorKernels.logSumExp(small, 2), -1000 + 0.31326168751822286, tolerance: 1e-12, "small")
        assertRelative(VectorKernels.logSumExp([3.0], 1), 3, tolerance: 1e-15, "single")
    }
}
