import CNumericKernels

/// The instruction set the sparse hidden-layer kernels run
/// (`SparseInputDense`). Every set gives the same bits; the choice only
/// changes speed.
public enum SparseInstructionSet: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// 4-float vectors (SSE2 on x86-64).
    case portable = 0
    /// AVX2 (8-float vectors, 64-column register tiles).
    case avx2 = 1
    /// AVX-512 (16-float vectors, 128-column register tiles).
    case avx512 = 2

    /// The set in use: the best the processor has, capped by `limit(to:)`.
    public static var current: SparseInstructionSet {
        SparseInstructionSet(rawValue: Int(mnist_nce_sparse_instruction_set())) ?? .portable
    }

    /// Caps the set for the whole process (benchmarks use `.avx2` to time
    /// an AVX2 machine's kernels on an AVX-512 one; `.avx512` lifts the cap).
    public static func limit(to set: SparseInstructionSet) {
        mnist_nce_sparse_limit_instruction_set(Int32(set.rawValue))
    }

    /// Floats per vector register of the current set.
    public static var vectorLanes: Int { Int(mnist_nce_sparse_vector_lanes()) }

    /// Vector multiply-adds per second that one thread sustains with the
    /// current set, from a loop of independent fused multiply-adds run for
    /// about `seconds` (its fastest slice).
    public static func measuredFMAThroughput(seconds: Double = 0.05) -> Double {
        mnist_nce_fma_throughput(seconds)
    }

    public var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }
}
