/// Times one training step of the output layer, NCE against the full
/// softmax, on synthetic data, to show how each cost grows with the number of
/// classes. A library function so any executable can run it; the figures
/// depend on the machine and build configuration (use a release build).
public enum LossBenchmark {
    /// A single-precision row-major matrix product with the meaning of
    /// `cblas_sgemm(CblasRowMajor, ...)`:
    /// C[m,n] = alpha·op(A)·op(B) + beta·C, where op transposes when asked,
    /// op(A) is m×k, op(B) is k×n, and lda, ldb, ldc are row strides.
    public typealias Matmul = (
        _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int,
        _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
        _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) -> Void

    /// The timings for one class count, in milliseconds per step (median over
    /// the repetitions).
    public struct Row: Sendable, Equatable {
        /// The number of classes C.
        public var classCount: Int
        /// The sampled classes NCE used: the requested number, capped at C
        /// because unique sampling cannot draw more.
        public var numSampled: Int
        /// Sampling, expected counts, NCE forward and sparse backward.
        public var nceMilliseconds: Double
        /// Dense logits, softmax cross-entropy forward and backward, and the
        /// gradients of inputs, weights and biases.
        public var softmaxMilliseconds: Double
        /// How the dense products ran: "matmul" (the injected product) or
        /// "naive" (``DenseLogits``).
        public var softmaxPath: String

        /// Softmax time over NCE time.
        public var speedup: Double { softmaxMilliseconds / nceMilliseconds }
    }

    /// Runs the benchmark for each class count.
    ///
    /// Each step draws S unique log-uniform classes and runs NCE forward and
    /// backward (scale 1/B), then runs the full softmax step with the same
    /// inputs. One untimed step warms up each path. Parameters are drawn from
    /// `seed`; labels are uniform over the classes.
    ///
    /// - Parameter denseMatmul: the matrix product for the softmax path; nil
    ///   uses the naive reference loops, which are far slower for large C.
    /// - Throws: ``SampledLossError/countTooSmall(what:minimum:found:)`` if a
    ///   size or `repetitions` is below 1.
    public static func run(
        classCounts: [Int] = [10, 100, 1000, 10_000, 100_000], batch: Int = 128, dim: Int = 128,
        numSampled: Int = 64, repetitions: Int = 5, seed: UInt64 = 1, denseMatmul: Matmul? = nil
    ) throws(SampledLossError) -> [Row] {
        guard repetitions >= 1 else {
            throw .countTooSmall(what: "repetitions", minimum: 1, found: repetitions)
        }
        var rows: [Row] = []
        for classCount in classCounts {
            var generator = SeededGenerator(seed: seed)
            var setup = try Setup(
                classCount: classCount, batch: batch, dim: dim,
                numSampled: min(numSampled, max(classCount, 1)), generator: &generator)
            var nceTimes: [Double] = []
            var softmaxTimes: [Double] = []
            for repetition in 0...repetitions {
                let nce = try measure { () throws(SampledLossError) in
                    try setup.nceStep(using: &generator)
                }
                let softmax = try measure { () throws(SampledLossError) in
                    try setup.softmaxStep(denseMatmul: denseMatmul)
                }
                if repetition > 0 {
                    nceTimes.append(nce)
                    softmaxTimes.append(softmax)
                }
            }
            rows.append(Row(
                classCount: classCount, numSampled: setup.nce.numSampled,
                nceMilliseconds: median(nceTimes), softmaxMilliseconds: median(softmaxTimes),
                softmaxPath: denseMatmul == nil ? "naive" : "matmul"))
        }
        return rows
    }

    static func measure(_ body: () throws(SampledLossError) -> Void) throws(SampledLossError) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
