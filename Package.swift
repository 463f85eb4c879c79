// swift-tools-version:6.0
import PackageDescription

/// Optimised builds of the numeric targets: bounds checks stay on in debug
/// builds (tests), and release builds are what the benchmarks measure.
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release)),
]

let package = Package(
    name: "mnist-nce",
    products: [
        .executable(name: "mnist-nce", targets: ["mnist-nce"]),
        .executable(name: "nce-bench", targets: ["nce-bench"]),
        .library(name: "MNISTData", targets: ["MNISTData"]),
        .library(name: "SampledLosses", targets: ["SampledLosses"]),
        .library(name: "SafeTensors", targets: ["SafeTensors"]),
        .library(name: "NCENetwork", targets: ["NCENetwork"]),
        .library(name: "DigitImages", targets: ["DigitImages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // C libraries, found with pkg-config; not API.
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CLibPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),

        // Vectorised elementwise kernels in C; not API.
        .target(
            name: "CNumericKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=off"])]),
        // Interrupt handling (SIGINT, SIGTERM, SIGHUP) for long runs; not API.
        .target(name: "CProcessSignals"),
        // PNG decoding to grey through libpng, whose error jumps stay in C; not API.
        .target(name: "CImageDecoding", dependencies: ["CLibPNG"]),

        // IDX files (raw or gzip) and the MNIST-layout data set.
        .target(name: "MNISTData", dependencies: ["CZlib"], swiftSettings: numericSettings),
        // Candidate samplers and the NCE, sampled-softmax and softmax losses.
        .target(
            name: "SampledLosses",
            dependencies: ["CNumericKernels", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: numericSettings),
        // The safetensors checkpoint format: validated reader, atomic writer.
        .target(name: "SafeTensors", swiftSettings: numericSettings),
        // Layers, parameter arena, optimisers, training and evaluation.
        .target(
            name: "NCENetwork",
            dependencies: [
                "COpenBLAS", "CNumericKernels", "MNISTData", "SampledLosses", "SafeTensors",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: numericSettings),
        // PNG and PGM reading, and preparing a picture of a digit as MNIST's.
        .target(name: "DigitImages", dependencies: ["CImageDecoding"]),

        // A sweep's tables, SVG plots and HTML page, from its runs' figures.
        .target(name: "SweepReporting"),

        // The command-line tool: parses options, calls the library, maps errors.
        .executableTarget(
            name: "mnist-nce",
            dependencies: [
                "NCENetwork", "MNISTData", "SampledLosses", "SafeTensors", "DigitImages", "SweepReporting",
                "CProcessSignals",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Benchmarks on synthetic or bundled data; run by scripts/, never by tests.
        .executableTarget(
            name: "nce-bench",
            dependencies: [
                "NCENetwork", "MNISTData", "SampledLosses", "COpenBLAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: numericSettings),

        .testTarget(name: "MNISTDataTests", dependencies: ["MNISTData"]),
        .testTarget(
            name: "SampledLossesTests", dependencies: ["SampledLosses"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors"]),
        .testTarget(name: "SweepReportingTests", dependencies: ["SweepReporting"]),
        .testTarget(
            name: "NCENetworkTests", dependencies: ["NCENetwork", "COpenBLAS"],
            resources: [.copy("Fixtures")]),
        // Fixtures of these two are found by #filePath, not bundled.
        .testTarget(name: "DigitImagesTests", dependencies: ["DigitImages"], exclude: ["Fixtures"]),
        .testTarget(name: "MNISTNCECommandTests", dependencies: ["SafeTensors"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
