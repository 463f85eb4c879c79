import XCTest
@testable import SampledLosses

/// The largest |a[i] − b[i]| divided by the largest |b[i]| (1 if b is all
/// zero), with the index where the difference peaks.
func maxRelativeError<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(
    _ a: [A], _ b: [B]
) -> (error: Double, index: Int) {
    precondition(a.count == b.count, "test bug: compared arrays differ in length")
    let scale = max(b.map { abs(Double($0)) }.max() ?? 0, 1e-300)
    var worst = (error: 0.0, index: 0)
    for i in a.indices {
        let error = abs(Double(a[i]) - Double(b[i])) / scale
        if error > worst.error || error.isNaN { worst = (error, i) }
    }
    return worst
}

/// Asserts two arrays agree to `tolerance` relative to the largest magnitude
/// of `expected`, naming the worst element.
func assertClose<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(
    _ actual: [A], _ expected: [B], tolerance: Double, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "\(what): length", file: file, line: line)
    guard actual.count == expected.count, !actual.isEmpty else { return }
    let (error, index) = maxRelativeError(actual, expected)
    XCTAssertLessThanOrEqual(
        error, tolerance,
        "\(what): worst relative error \(error) at [\(index)]: \(actual[index]) vs \(expected[index])",
        file: file, line: line)
}

/// Asserts |actual − expected| ≤ tolerance·max(|expected|, floor).
func assertRelative(
    _ actual: Double, _ expected: Double, tolerance: Double, floor: Double = 1e-300,
    _ what: String, file: StaticString = #filePath, line: UInt = #line
) {
    let error = abs(actual - expected) / max(abs(expected), floor)
    XCTAssertLessThanOrEqual(
        error, tolerance, "\(what): \(actual) vs \(expected) (relative error \(error))",
        file: file, line: line)
}

/// Central finite differences of `loss` with respect to each entry of
/// `parameters`, in Double.
func numericalGradient(
    of parameters: inout [Double], step: Double = 1e-6, loss: (_ parameters: [Double]) -> Double
) -> [Double] {
    var gradient = [Double](repeating: 0, count: parameters.count)
    for i in parameters.indices {
        let saved = parameters[i]
        parameters[i] = saved + step
        let plus = loss(parameters)
        parameters[i] = saved - step
        let minus = loss(parameters)
        parameters[i] = saved
        gradient[i] = (plus - minus) / (2 * step)
    }
    return gradient
}

/// Random normal values from a seeded generator.
func normals(_ count: Int, scale: Double = 1, using generator: inout SeededGenerator) -> [Double] {
    (0..<count).map { _ in generator.nextStandardNormal() * scale }
}
