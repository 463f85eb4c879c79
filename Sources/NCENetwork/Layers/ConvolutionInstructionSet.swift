import CNumericKernels

/// The instruction set the convolution kernels run (`Conv2D`'s `direct` and
/// `sparseInput` algorithms). Every set gives the same bits; the choice
/// only changes speed.
public enum ConvolutionInstructionSet: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// Plain C with `fmaf` calls: correct everywhere, slow.
    case portable = 0
    /// AVX2 with FMA (8-float vectors).
    case avx2 = 1
    /// AVX-512 (16-float vectors).
    case avx512 = 2

    /// The set in use: the best the processor has, capped by `limit(to:)`.
    public static var current: ConvolutionInstructionSet {
        ConvolutionInstructionSet(rawValue: Int(mnist_nce_conv_instruction_set())) ?? .portable
    }

    /// Caps the set for the whole process (benchmarks use `.avx2` to time
    /// an AVX2 machine's kernels on an AVX-512 one; `.avx512` lifts the cap).
    public static func limit(to set: ConvolutionInstructionSet) {
        mnist_nce_conv_limit_instruction_set(Int32(set.rawValue))
    }

    public var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }
}
