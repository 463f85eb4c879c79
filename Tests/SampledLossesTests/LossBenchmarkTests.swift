import XCTest
@testable import SampledLosses

final class LossBenchmarkTests: XCTestCase {
    func testRunGivesOneRowPerClassCountWithSampleCappedAtC() throws {
        let rows = try LossBenchmark.run(
            classCounts: [3, 20], batch: 4, dim: 8, numSampled: 5, repetitions: 1, seed: 1)
        XCTAssertEqual(rows.map(\.classCount), [3, 20])
        XCTAssertEqual(rows.map(\.numSampled), [3, 5])
        XCTAssertTrue(rows.allSatisfy { $0.nceMilliseconds > 0 && $0.softmaxMilliseconds > 0 })
        XCTAssertEqual(rows.map(\.softmaxPath), ["naive", "naive"])
    }

    func testInjectedMatmulIsUsedForTheSoftmaxProducts() throws {
        final class Calls: @unchecked Sendable { var shapes: [[Int]] = [] }
        let calls = Calls()
        // A plain row-major product standing in for BLAS.
        let matmul: LossBenchmark.Matmul = { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            calls.shapes.append([ta ? 1 : 0, tb ? 1 : 0, m, n, k])
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Float = 0
                    for p in 0..<k {
                        sum += (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j])
                    }
                    c[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j])
                }
            }
        }
        let rows = try LossBenchmark.run(
            classCounts: [10], batch: 2, dim: 4, numSampled: 3, repetitions: 2, seed: 2, denseMatmul: matmul)
        XCTAssertEqual(rows.first?.softmaxPath, "matmul")
        // Warm-up plus two timed steps, three products each.
        XCTAssertEqual(calls.shapes.count, 9)
        XCTAssertEqual(Array(calls.shapes.prefix(3)), [[0, 1, 2, 10, 4], [0, 0, 2, 4, 10], [1, 0, 10, 4, 2]])
    }

    func testTableHasHeaderAndOneLinePerRow() {
        let rows = [
            LossBenchmark.Row(
                classCount: 10, numSampled: 10, nceMilliseconds: 0.05, softmaxMilliseconds: 0.1,
                softmaxPath: "naive"),
            LossBenchmark.Row(
                classCount: 100_000, numSampled: 64, nceMilliseconds: 1.234, softmaxMilliseconds: 1234.4,
                softmaxPath: "matmul"),
        ]
        let lines = LossBenchmark.formatTable(rows).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[0].hasPrefix("| classes C |"))
        XCTAssertEqual(lines[2], "| 10 | 10 | 0.050 | 0.100 | naive | 2.00× |")
        XCTAssertEqual(lines[3], "| 100000 | 64 | 1.23 | 1234 | matmul | 1000× |")
    }

    func testRejectsZeroRepetitions() {
        XCTAssertThrowsError(try LossBenchmark.run(classCounts: [10], repetitions: 0))
    }
}
