import Foundation
import NCENetwork

/// What a report says about the machine: CPU model, cores, instruction
/// set, memory, system and BLAS kernel.
enum MachineDescription {
    /// Name and value pairs describing this machine.
    static func current() -> [(String, String)] {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            for line in info.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        var system = utsname()
        uname(&system)
        let machine = withUnsafeBytes(of: &system.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let release = withUnsafeBytes(of: &system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let flags = Set((field("flags") ?? field("Features") ?? "").split(separator: " ").map(String.init))
        let notable = [
            "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
            "amx_tile", "asimd", "sve", "sve2",
        ].filter(flags.contains)
        let process = ProcessInfo.processInfo
        var pairs = [
            ("CPU", field("model name") ?? field("Model") ?? "unknown"),
            ("cores", "\(process.processorCount) online, \(process.activeProcessorCount) available to the process"),
            ("ISA", machine + (notable.isEmpty ? "" : " (" + notable.joined(separator: ", ") + ")")),
            ("memory", String(format: "%.1f GiB", Double(process.physicalMemory) / Double(1 << 30))),
            ("system", "Linux \(release)"),
            ("BLAS", "OpenBLAS, \(BLASThreads.coreName) kernel"),
        ]
        if notable.isEmpty { pairs[2].1 = machine }
        return pairs
    }

    /// "2026-11-25 21:30:00 +0000", local time.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
