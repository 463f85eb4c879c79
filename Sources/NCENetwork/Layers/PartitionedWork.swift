/// A layer object whose current call is cut into parts that a `WorkerPool`
/// runs, each part writing memory no other part writes.
///
/// The layer keeps the call's arguments in its own fields while the parts
/// run, so handing the work to the pool allocates nothing: the pool gets a
/// pointer to an existential of this class-bound protocol (a reference and
/// a witness table, no box).
protocol PartitionedWork: AnyObject {
    /// Runs part `part` of the current call.
    func runPart(_ part: Int)
}

extension PartitionedWork {
    /// Runs parts `0..<parts` of the current call on `pool` (on the calling
    /// thread when `pool` is nil or there is one part) and returns when all
    /// have finished.
    func runParts(_ parts: Int, on pool: WorkerPool?) {
        guard let pool, pool.threads > 1, parts > 1 else {
            for part in 0..<parts { runPart(part) }
            return
        }
        var work: any PartitionedWork = self
        withUnsafeMutablePointer(to: &work) { pointer in
            pool.run(parts: parts, context: UnsafeMutableRawPointer(pointer)) { context, part in
                context?.assumingMemoryBound(to: (any PartitionedWork).self).pointee.runPart(Int(part))
            }
        }
    }
}

/// The `part`-th of `parts` contiguous, nearly equal ranges that cover
/// `0..<count`, each starting at a multiple of `alignment` (except that
/// the last ends at `count`).
func evenRange(_ part: Int, of parts: Int, count: Int, alignment: Int = 1) -> Range<Int> {
    let units = (count + alignment - 1) / alignment
    func bound(_ p: Int) -> Int { min(count, (units * p / parts) * alignment) }
    return bound(part)..<(part + 1 == parts ? count : bound(part + 1))
}
