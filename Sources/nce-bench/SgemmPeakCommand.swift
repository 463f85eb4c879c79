import ArgumentParser
import Foundation
import NCENetwork
import SampledLosses

/// The machine's practical single-precision matrix-product peak: OpenBLAS
/// sgemm on large square matrices, the yardstick for "fraction of peak".
struct SgemmPeakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sgemm",
        abstract: "Measure OpenBLAS sgemm GFLOP/s on large square matrices (the machine's practical peak).")

    @Option var threads = 2
    @Option var size = 2_048
    @Option var repetitions = 5
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        BLASThreads.set(threads)
        var rng = SeededGenerator(seed: 1)
        let n = size
        let a = (0..<(n * n)).map { _ in Float(rng.nextUnitInterval() - 0.5) }
        let b = (0..<(n * n)).map { _ in Float(rng.nextUnitInterval() - 0.5) }
        var c = [Float](repeating: 0, count: n * n)
        Float.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, beta: 0, c: &c, ldc: n)
        var best = Double.infinity
        let clock = ContinuousClock()
        for _ in 0..<repetitions {
            let start = clock.now
            Float.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, beta: 0, c: &c, ldc: n)
            best = min(best, (clock.now - start).seconds)
        }
        let gflops = 2 * Double(n) * Double(n) * Double(n) / best / 1e9
        if json {
            print("{\"sgemm_gflops\": \(String(format: "%.1f", gflops)), \"threads\": \(threads), \"size\": \(n), \"blas_core\": \"\(BLASThreads.coreName)\"}")
        } else {
            print(String(format: "sgemm %d×%d×%d, %d threads, OpenBLAS %@: %.1f GFLOP/s (best of %d)",
                         n, n, n, threads, BLASThreads.coreName, gflops, repetitions))
        }
    }
}
