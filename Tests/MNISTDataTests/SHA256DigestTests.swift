import MNISTData
import XCTest

/// The FIPS 180-4 example messages, and agreement between one-shot and
/// piecewise hashing.
final class SHA256DigestTests: XCTestCase {
    func testStandardExamples() {
        XCTAssertEqual(SHA256Digest.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256Digest.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256Digest.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testPiecesGiveTheSameDigest() {
        let bytes = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for cut in [0, 1, 55, 63, 64, 65, 500, 1_000] {
            var digest = SHA256Digest()
            digest.update(bytes[..<cut])
            digest.update(bytes[cut...])
            XCTAssertEqual(digest.hexDigest(), SHA256Digest.hex(bytes), "cut at \(cut)")
        }
    }
}
