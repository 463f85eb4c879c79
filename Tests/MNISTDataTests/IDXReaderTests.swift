import MNISTData
import XCTest

final class IDXReaderTests: XCTestCase {
    /// Arrays of every element type and several ranks, with values that
    /// exercise sign bits and byte order.
    private func sampleArrays() throws -> [IDXArray] {
        var rng = SplitMix64(state: 42)
        func values<T>(_ count: Int, _ make: (UInt64) -> T) -> [T] {
            (0..<count).map { _ in make(rng.next()) }
        }
        return [
            try IDXArray(dimensions: [7], elements: .uint8(values(7) { UInt8(truncatingIfNeeded: $0) })),
            try IDXArray(dimensions: [3, 4], elements: .int8(values(12) { Int8(truncatingIfNeeded: $0) })),
            try IDXArray(dimensions: [2, 3, 5], elements: .int16(values(30) { Int16(truncatingIfNeeded: $0) })),
            try IDXArray(dimensions: [2, 1, 3, 2], elements: .int32(values(12) { Int32(truncatingIfNeeded: $0) })),
            try IDXArray(
                dimensions: [1, 2, 1, 2, 3],
                elements: .float32(values(12) { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) })),
            try IDXArray(dimensions: [5, 2], elements: .float64(values(10) { Double(bitPattern: $0) })),
            try IDXArray(dimensions: Array(repeating: 1, count: 255), elements: .int16([-300])),
        ]
    }

    func testRoundTripsEveryElementTypeRawAndGzip() throws {
        let directory = try makeTemporaryDirectory(for: self)
        for (index, array) in try sampleArrays().enumerated() {
            let raw = try writeFile(array.encoded(), named: "raw-\(index)", in: directory)
            let compressed = try writeFile(gzip(array.encoded()), named: "gz-\(index)", in: directory)
            for path in [raw, compressed] {
                let read = try IDXReader.read(path: path)
                XCTAssertEqual(read.dimensions, array.dimensions, path)
                XCTAssertEqual(read.elementType, array.elementType, path)
                // Floats are compared by bit pattern: decoding must be exact, NaNs included.
                XCTAssertEqual(bitPatterns(read.elements), bitPatterns(array.elements), path)
            }
        }
    }

    func testDecodesHandWrittenBigEndianValues() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let cases: [(UInt8, [UInt8], [UInt64])] = [
            (0x08, [0x00, 0xFF], [0x00, 0xFF]),
            (0x09, [0x7F, 0x80], [0x7F, UInt64(bitPattern: -128)]),
            (0x0B, [0x01, 0x02, 0xFF, 0xFE], [0x0102, UInt64(bitPattern: -2)]),
            (0x0C, [0x01, 0x02, 0x03, 0x04, 0x80, 0, 0, 0], [0x0102_0304, UInt64(bitPattern: Int64(Int32.min))]),
            (0x0D, [0x3F, 0x80, 0, 0, 0xC0, 0x49, 0x0F, 0xDB], [UInt64(Float(1).bitPattern), 0xC049_0FDB]),
            (0x0E, [0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18, 0xBF, 0xF0, 0, 0, 0, 0, 0, 0],
             [0x4009_21FB_5444_2D18, Double(-1).bitPattern]),
        ]
        for (typeCode, payload, expected) in cases {
            let path = try writeFile(idxBytes(typeCode: typeCode, dimensions: [2], payload: payload), named: "t", in: directory)
            let array = try IDXReader.read(path: path)
            XCTAssertEqual(array.elementType.rawValue, typeCode)
            XCTAssertEqual(array.dimensions, [2])
            XCTAssertEqual(bitPatterns(array.elements), expected, "type \(typeCode)")
        }
        XCTAssertEqual(
            try IDXReader.read(path: writeFile(idxBytes(typeCode: 0x0D, dimensions: [1], payload: [0xC0, 0x49, 0x0F, 0xDB]), named: "pi", in: directory))
                .float32Values?.first.map { abs(Double($0) + Double.pi) / Double.pi }.map { $0 < 1e-6 },
            true)
    }

    func testCompressionIsRecognisedByContentNotName() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let bytes = idxBytes(typeCode: 0x08, dimensions: [3], payload: [1, 2, 3])
        let gzipNamedRaw = try writeFile(gzip(bytes), named: "plain-name", in: directory)
        let rawNamedGzip = try writeFile(bytes, named: "looks.gz", in: directory)
        XCTAssertEqual(try IDXReader.read(path: gzipNamedRaw).uint8Values, [1, 2, 3])
        XCTAssertEqual(try IDXReader.read(path: rawNamedGzip).uint8Values, [1, 2, 3])
    }

    func testPayloadOverTheLimitIsRejected() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let bytes = idxBytes(typeCode: 0x0C, dimensions: [4], payload: Array(repeating: 0, count: 16))
        let path = try writeFile(bytes, named: "limited", in: directory)
        XCTAssertEqual(try IDXReader.read(path: path, limit: 16).count, 4)
        assertDataError(.malformedData, mentioning: [path, "at most 15 payload bytes", "declaring 16 payload bytes"]) {
            try IDXReader.read(path: path, limit: 15)
        }
    }

    func testAbsurdDimensionsAreRejectedByTheDefaultLimit() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let bytes = idxBytes(typeCode: 0x0E, dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: [])
        let path = try writeFile(bytes, named: "absurd", in: directory)
        assertDataError(
            .malformedData,
            mentioning: [path, "at most \(IDXReader.defaultPayloadLimit) payload bytes", "more than \(Int.max)"]
        ) {
            try IDXReader.read(path: path)
        }
    }

    /// 16 header bytes and 4 payload bytes claiming 2^32 − 1 images: the
    /// size check must stop it before allocation (with no limit, allocating
    /// terabytes would crash the test process).
    func testTwentyByteFileClaimingBillionsOfImagesFailsBeforeAllocating() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let bytes = idxBytes(typeCode: 0x08, dimensions: [0xFFFF_FFFF, 28, 28], payload: [1, 2, 3, 4])
        XCTAssertEqual(bytes.count, 20)
        let path = try writeFile(bytes, named: "claims-2p32.idx", in: directory)
        let started = Date()
        assertDataError(.malformedData, mentioning: [path, "at most 4 payload bytes", "holds 20 bytes", "3367254359280"]) {
            try IDXReader.read(path: path, limit: Int.max)
        }
        assertDataError(.malformedData, mentioning: [path, "reader's limit", "3367254359280"]) {
            try IDXReader.read(path: path)
        }
        let compressed = try writeFile(gzip(bytes), named: "claims-2p32.gz", in: directory)
        assertDataError(.malformedData, mentioning: [compressed, "1032:1", "3367254359280"]) {
            try IDXReader.read(path: compressed, limit: Int.max)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1)
    }

    func testMissingFileIsMissingInput() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let path = directory + "/absent-idx1-ubyte.gz"
        assertDataError(.missingInput, mentioning: [path, "an existing file", "No such file"]) {
            try IDXReader.read(path: path)
        }
    }
}

/// The elements as 64-bit patterns, so floats compare exactly.
func bitPatterns(_ elements: IDXElements) -> [UInt64] {
    switch elements {
    case .uint8(let values): values.map { UInt64($0) }
    case .int8(let values): values.map { UInt64(bitPattern: Int64($0)) }
    case .int16(let values): values.map { UInt64(bitPattern: Int64($0)) }
    case .int32(let values): values.map { UInt64(bitPattern: Int64($0)) }
    case .float32(let values): values.map { UInt64($0.bitPattern) }
    case .float64(let values): values.map(\.bitPattern)
    }
}
