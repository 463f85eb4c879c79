/// MD5 (RFC 1321), for checking decoded files against published digests.
/// Test-only: no attempt at speed beyond avoiding copies of the input.
enum MD5 {
    /// Per-step left-rotation amounts, four per round.
    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

    /// The sine-derived additive constants: floor(|sin(i + 1)| × 2^32).
    private static let constants: [UInt32] = (0..<64).map { step in
        UInt32(abs(sinValue(Double(step + 1))) * 4_294_967_296.0)
    }

    /// Lower-case hexadecimal digest of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
        let fullBlocks = bytes.count / 64
        bytes.withUnsafeBytes { raw in
            for block in 0..<fullBlocks {
                compress(UnsafeRawBufferPointer(rebasing: raw[block * 64..<block * 64 + 64]), into: &state)
            }
        }
        // Padding: 0x80, zeros to 56 mod 64, then the bit length little-endian.
        var tail = Array(bytes[(fullBlocks * 64)...])
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        let bitLength = UInt64(bytes.count) &* 8
        for shift in stride(from: 0, to: 64, by: 8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBytes { raw in
            for block in 0..<tail.count / 64 {
                compress(UnsafeRawBufferPointer(rebasing: raw[block * 64..<block * 64 + 64]), into: &state)
            }
        }
        var digest = ""
        for word in [state.0, state.1, state.2, state.3] {
            for shift in stride(from: 0, to: 32, by: 8) {
                let byte = UInt8(truncatingIfNeeded: word >> UInt32(shift))
                digest += (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return digest
    }

    /// Folds one 64-byte block into `state`.
    private static func compress(_ block: UnsafeRawBufferPointer, into state: inout (UInt32, UInt32, UInt32, UInt32)) {
        var words = [UInt32](repeating: 0, count: 16)
        for index in 0..<16 {
            words[index] = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
        }
        var (a, b, c, d) = state
        for step in 0..<64 {
            let mixed: UInt32
            let wordIndex: Int
            switch step / 16 {
            case 0: mixed = (b & c) | (~b & d); wordIndex = step
            case 1: mixed = (d & b) | (~d & c); wordIndex = (5 * step + 1) % 16
            case 2: mixed = b ^ c ^ d; wordIndex = (3 * step + 5) % 16
            default: mixed = c ^ (b | ~d); wordIndex = (7 * step) % 16
            }
            let sum = mixed &+ a &+ constants[step] &+ words[wordIndex]
            let amount = shifts[(step / 16) * 4 + step % 4]
            a = d
            d = c
            c = b
            b = b &+ (sum << amount | sum >> (32 - amount))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}

#if canImport(Glibc)
import Glibc
private func sinValue(_ x: Double) -> Double { Glibc.sin(x) }
#else
import Darwin
private func sinValue(_ x: Double) -> Double { Darwin.sin(x) }
#endif
