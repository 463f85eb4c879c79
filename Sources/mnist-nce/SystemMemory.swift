import Foundation

/// How much memory this process can still take, for refusing a
/// configuration that would not fit before it is allocated.
enum SystemMemory {
    /// The environment variable that caps the figure (bytes, or with a
    /// K, M or G suffix), for machines whose limits the probes cannot see.
    static let limitVariable = "MNIST_NCE_MEMORY_LIMIT"

    /// The smallest of: `MemAvailable` in /proc/meminfo, the room left
    /// under this process's cgroup (v2) limit, the room left under its
    /// address-space and data-segment limits (`ulimit -v`, `ulimit -d`),
    /// and `MNIST_NCE_MEMORY_LIMIT`; nil when none of them can be read.
    static func availableBytes() -> Int? {
        var figures: [Int] = []
        if let kilobytes = kilobytes("MemAvailable:", inFile: "/proc/meminfo") {
            figures.append(kilobytes * 1024)
        }
        if let room = cgroupRoom() { figures.append(room) }
        figures += resourceLimitRooms()
        if let text = ProcessInfo.processInfo.environment[limitVariable], let limit = parseSize(text) {
            figures.append(limit)
        }
        return figures.min()
    }

    /// `memory.max − memory.current` of this process's cgroup, if limited.
    private static func cgroupRoom() -> Int? {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
              let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        else { return nil }
        let folder = "/sys/fs/cgroup" + line.dropFirst(3)
        func read(_ name: String) -> Int? {
            (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8))
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        guard let limit = read("memory.max") else { return nil }  // "max" does not parse: no limit
        return max(0, limit - (read("memory.current") ?? 0))
    }

    /// For each of `RLIMIT_AS` and `RLIMIT_DATA` that is set, the limit
    /// minus what this process already uses of it (`VmSize`, `VmData`).
    private static func resourceLimitRooms() -> [Int] {
        #if os(Linux)
        let limits: [(resource: __rlimit_resource, usage: String)] = [(RLIMIT_AS, "VmSize:"), (RLIMIT_DATA, "VmData:")]
        return limits.compactMap { resource, usage in
            var limit = rlimit()
            guard getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0,
                  limit.rlim_cur < UInt64(Int.max)  // RLIM_INFINITY is all ones
            else { return nil }
            let used = (kilobytes(usage, inFile: "/proc/self/status") ?? 0) * 1024
            return max(0, Int(limit.rlim_cur) - used)
        }
        #else
        return []
        #endif
    }

    /// The number after `key` on its line of a /proc file such as
    /// `MemAvailable:   123456 kB`.
    private static func kilobytes(_ key: String, inFile path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) })
        else { return nil }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
    }

    /// `123`, `64K`, `512M` or `2G` (powers of 1024) as bytes.
    static func parseSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let shifts: [Character: Int] = ["K": 10, "M": 20, "G": 30]
        if let last = trimmed.last, let shift = shifts[last] {
            return Int(trimmed.dropLast()).flatMap { $0 >= 0 && $0 < (1 << (62 - shift)) ? $0 << shift : nil }
        }
        return Int(trimmed).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Bytes as `1.5 GiB` or `300 MiB`.
    static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 30
            ? String(format: "%.1f GiB", Double(bytes) / Double(1 << 30))
            : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}
