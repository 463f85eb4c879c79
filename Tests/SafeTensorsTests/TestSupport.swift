import Foundation
import XCTest
@testable import SafeTensors

/// A fresh directory under the system temporary directory, removed by
/// ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = NSTemporaryDirectory() + "safetensors-tests-XXXXXX"
        var template = Array(base.utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) } != nil
        }
        guard created else { throw CocoaError(.fileWriteUnknown) }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// The names of the entries in the directory, sorted.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// SplitMix64: a tiny seeded generator so that randomised tests repeat.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The bytes of a file whose header is exactly `header` (no padding) and
/// whose data buffer holds `dataSize` bytes counting up from 0.
func fileBytes(header: String, dataSize: Int) -> [UInt8] {
    let json = Array(header.utf8)
    var bytes: [UInt8] = []
    for shift in stride(from: 0, to: 64, by: 8) {
        bytes.append(UInt8(truncatingIfNeeded: json.count >> shift))
    }
    bytes += json
    bytes += (0..<dataSize).map { UInt8(truncatingIfNeeded: $0) }
    return bytes
}

/// Asserts that `body` throws a ``SafeTensorsError`` of `kind` whose
/// description contains every string in `mentions`; returns the error.
@discardableResult
func assertThrows<T>(
    _ kind: SafeTensorsError.Kind, mentioning mentions: [String],
    file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws(SafeTensorsError) -> T
) -> SafeTensorsError? {
    do {
        let value = try body()
        XCTFail("expected a \(kind) error, got \(value)", file: file, line: line)
        return nil
    } catch {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        for text in mentions {
            XCTAssertTrue(
                error.description.contains(text), "\"\(error)\" does not mention \"\(text)\"",
                file: file, line: line)
        }
        XCTAssertFalse(error.description.contains("\n"), "message spans lines: \(error)", file: file, line: line)
        return error
    }
}

/// The bit patterns of `values`, for exact comparisons of floats (NaN
/// payloads and the sign of zero included).
func bitPatterns(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
func bitPatterns(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

/// F32 values that a careless encoding would change: NaNs with payloads,
/// both zeros, subnormals, infinities and the extremes.
let awkwardFloats: [Float] = [
    Float(bitPattern: 0x7FC1_2345), Float(bitPattern: 0xFFC0_0001), Float(bitPattern: 0x7F80_0001),
    -0.0, 0.0, Float(bitPattern: 0x0000_0001), Float(bitPattern: 0x807F_FFFF),
    .infinity, -.infinity, .greatestFiniteMagnitude, -.leastNormalMagnitude, 1.0, -1.5, .pi,
]

/// F64 values that a careless encoding would change.
let awkwardDoubles: [Double] = [
    Double(bitPattern: 0x7FF8_0000_DEAD_BEEF), Double(bitPattern: 0x7FF0_0000_0000_0001),
    -0.0, Double(bitPattern: 1), -Double.leastNormalMagnitude, .infinity, -.infinity,
    .greatestFiniteMagnitude, 0.1,
]
