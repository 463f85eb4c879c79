import CZlib
@testable import MNISTData

/// libFuzzer entry for the IDX readers.
///
/// Each input is read three ways: as given (raw, or gzip when it starts
/// with `1f 8b`), gzip-compressed by zlib so that arbitrary contents reach
/// the inflating reader, and as an images file and a labels file (the
/// input cut in two at a position its first bytes give) assembled into a
/// split as the data-set loader does. Anything the reader accepts must
/// encode back to an array that reads back equal. A trap or sanitizer
/// report is a finding; thrown `DataError`s are the expected outcome.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    readAndCheck(bytes, source: "input")
    if let compressed = gzip(bytes) {
        readAndCheck(compressed, source: "input.gz")
    }
    assembleSplit(bytes)
    return 0
}

/// Reads `bytes`; if accepted, checks the array's invariants and that its
/// encoding reads back equal.
private func readAndCheck(_ bytes: [UInt8], source: String) {
    guard let array = try? IDXReader.read(bytes: bytes, source: source) else { return }
    let product = array.dimensions.reduce(1, *)
    precondition(product == array.count, "dimensions \(array.dimensions) disagree with \(array.count) elements")
    // Compared as encodings, bit for bit: NaN elements are never == themselves.
    let encoded = array.encoded()
    let again = try? IDXReader.read(bytes: encoded, source: source + " (re-encoded)")
    precondition(again?.dimensions == array.dimensions && again?.encoded() == encoded,
                 "\(source): the re-encoded array does not read back equal")
}

/// The input after its first three bytes, cut where the first two (a
/// big-endian `UInt16`, clamped) say, read as an images file and a labels
/// file and assembled into a split, then split again at a validation size
/// the third byte picks (in 1/256ths of the images).
private func assembleSplit(_ bytes: [UInt8]) {
    guard bytes.count >= 3 else { return }
    let body = bytes.dropFirst(3)
    let cut = body.startIndex + min(body.count, Int(bytes[0]) << 8 | Int(bytes[1]))
    guard let images = try? IDXReader.read(bytes: Array(body[..<cut]), source: "images"),
          let pixels = try? MNISTDataSet.imagePixels(images, source: "images"),
          let labels = try? IDXReader.read(bytes: Array(body[cut...]), source: "labels"),
          let split = try? MNISTDataSet.pairedSet(
              images: images, pixels: pixels, imagesSource: "images", labels: labels, labelsSource: "labels")
    else { return }
    precondition(split.labelCounts().reduce(0, +) == split.count)
    let validation = split.count * Int(bytes[2]) / 256
    let (held, rest) = split.split(at: validation)
    precondition(held.count + rest.count == split.count)
    _ = try? MNISTDataSet(train: rest, validation: held, test: split)
}

/// `bytes` as one gzip member, or nil if zlib fails.
private func gzip(_ bytes: [UInt8]) -> [UInt8]? {
    var stream = z_stream()
    // 15 + 16: the largest window, with a gzip wrapper.
    guard deflateInit2_(
        &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
        zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { return nil }
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
    let status = input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { destination in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            stream.next_out = destination.baseAddress
            stream.avail_out = uInt(destination.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    guard status == Z_STREAM_END else { return nil }
    return Array(output.prefix(Int(stream.total_out)))
}
