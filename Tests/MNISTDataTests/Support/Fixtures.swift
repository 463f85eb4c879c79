import CZlib
import Foundation
@testable import MNISTData
import XCTest

/// A fresh directory under the system temporary folder, removed by the
/// test case's teardown.
func makeTemporaryDirectory(for testCase: XCTestCase) throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("MNISTDataTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
}

/// Writes `bytes` to `directory/name` and returns the path.
@discardableResult
func writeFile(_ bytes: [UInt8], named name: String, in directory: String) throws -> String {
    let path = directory + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// An IDX file assembled by hand: magic, `typeCode`, rank, big-endian
/// dimensions, then `payload` verbatim. Independent of `IDXArray.encoded()`.
func idxBytes(typeCode: UInt8, dimensions: [UInt32], payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, typeCode, UInt8(dimensions.count)]
    for size in dimensions {
        bytes += [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
    }
    return bytes + payload
}

/// Failure to produce a gzip fixture.
struct GzipFixtureError: Error { let status: Int32 }

/// One gzip member holding `bytes`, compressed by zlib (window bits 31).
func gzip(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
    var stream = z_stream()
    let initStatus = deflateInit2_(
        &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
        Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else { throw GzipFixtureError(status: initStatus) }
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
    var input = bytes
    let status = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = uInt(outBuffer.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    guard status == Z_STREAM_END else { throw GzipFixtureError(status: status) }
    return Array(output[..<Int(stream.total_out)])
}

/// Asserts that `body` throws a `DataError` of `kind` whose description
/// contains every string in `mentions`; returns the error.
@discardableResult
func assertDataError<T>(
    _ kind: DataError.Kind, mentioning mentions: [String],
    file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws -> T
) -> DataError? {
    do {
        _ = try body()
        XCTFail("expected a \(kind) DataError, got a value", file: file, line: line)
        return nil
    } catch let error as DataError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        for mention in mentions {
            XCTAssertTrue(
                error.description.contains(mention), "\"\(error)\" should mention \"\(mention)\"",
                file: file, line: line)
        }
        return error
    } catch {
        XCTFail("expected DataError, got \(error)", file: file, line: line)
        return nil
    }
}

/// SplitMix64, a small seeded generator for reproducible fixture bytes.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
