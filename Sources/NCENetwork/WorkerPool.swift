import CNumericKernels

/// Persistent threads for the parallel kernels of a training step.
///
/// Jobs allocate nothing and start without a thread wake-up when they come
/// in quick succession (idle workers poll briefly before sleeping). The
/// threads claim a job's parts as they go, so a thread the system
/// deschedules holds up only the part it is running; split jobs into more
/// parts than threads, in a way that does not depend on the thread count.
/// When the machine is so busy that the workers slow jobs down, the pool
/// runs them on the calling thread until the workers pay again. One job
/// runs at a time; a pool belongs to one network or optimiser.
public final class WorkerPool: @unchecked Sendable {
    /// Threads a job runs on, the caller's included.
    public let threads: Int
    private let pool: OpaquePointer?

    /// A pool running jobs on `threads` threads (`threads - 1` workers plus
    /// the caller). If the workers cannot be started, jobs run on the caller.
    public init(threads: Int) {
        let workers = max(0, threads - 1)
        pool = workers > 0 ? mnist_nce_pool_create(Int32(workers)) : nil
        self.threads = pool == nil ? 1 : workers + 1
    }

    deinit { mnist_nce_pool_destroy(pool) }

    /// Wakes sleeping workers so that they poll for the next job: call it
    /// shortly before a job (some tens of microseconds) to hide their
    /// wake-up. Changes no result.
    public func wake() { mnist_nce_pool_wake(pool) }

    /// Tells the pool that the caller pauses between jobs for its own
    /// reasons (an evaluation, a checkpoint), so that the pause does not
    /// count against the mode it is running in. Changes no result.
    public func pause() { mnist_nce_pool_pause(pool) }

    /// Calls `body(context, part)` once for every part in `0..<parts`, on
    /// whichever threads claim them, and returns when all have finished.
    ///
    /// `body` must be a C-compatible function (a closure that captures
    /// nothing); `context` carries its arguments and must stay valid for
    /// the call. Parts must write disjoint memory.
    public func run(
        parts: Int, context: UnsafeMutableRawPointer,
        body: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void
    ) {
        mnist_nce_pool_run(pool, Int32(parts), body, context)
    }
}

/// Work that joins another job as one extra part (`SparseInputDense`'s
/// gradients take one), so that it runs beside that job's parts on
/// whichever thread is free instead of before or after them.
public struct PoolTask {
    /// What `body` reads and writes; it must stay valid for the job.
    public let context: UnsafeMutableRawPointer
    /// A C-compatible function, called once with `context` (and part 0).
    public let body: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void

    public init(context: UnsafeMutableRawPointer, body: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void) {
        self.context = context
        self.body = body
    }

    /// Runs the task on the calling thread.
    public func run() { body(context, 0) }
}
