import ArgumentParser

/// `nce-bench`: benchmarks on synthetic or bundled data, run by the scripts in
/// `scripts/`, never by the tests.
@main
struct NCEBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nce-bench",
        abstract: "Benchmarks for mnist-nce (use a release build).",
        subcommands: [
            LossScalingCommand.self, BLASCheckCommand.self, StepProfileCommand.self, ConvBenchCommand.self,
            SgemmPeakCommand.self,
        ])
}
