import ArgumentParser
import NCENetwork
import SampledLosses

/// NCE against full softmax as the number of classes grows.
struct LossScalingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "losses",
        abstract: "Time one output-layer step of NCE and of full softmax for growing class counts.")

    @Option(help: "Comma-separated class counts.")
    var classes = "10,100,1000,10000,100000"
    @Option var batch = 128
    @Option var dim = 128
    @Option var numSampled = 64
    @Option var repetitions = 5
    @Option var threads = 1

    func run() throws {
        let counts = classes.split(separator: ",").compactMap { Int($0) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--classes must list positive whole numbers, got \(classes)")
        }
        BLASThreads.set(threads)
        let rows = try LossBenchmark.run(
            classCounts: counts, batch: batch, dim: dim, numSampled: numSampled,
            repetitions: repetitions, denseMatmul: { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
                Float.gemm(
                    transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                    b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            })
        print("OpenBLAS kernel: \(BLASThreads.coreName), threads: \(threads); B=\(batch), D=\(dim)")
        print(LossBenchmark.formatTable(rows))
    }
}
