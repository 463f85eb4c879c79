import COpenBLAS

/// The BLAS library's thread pool and kernel, for runs and benchmarks.
public enum BLASThreads {
    /// Sets how many threads BLAS calls may use.
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(count, 1)))
    }

    /// The kernel family OpenBLAS picked for this processor (for example
    /// `Haswell` or `SkylakeX`), as benchmarks must report it.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
