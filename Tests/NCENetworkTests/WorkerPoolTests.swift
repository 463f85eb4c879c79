import Glibc
import NCENetwork
import Synchronization
import XCTest

final class WorkerPoolTests: XCTestCase {
    /// Every part of every job runs exactly once, whether there are fewer,
    /// as many or more parts than threads, with pauses announced between
    /// some jobs.
    func testEveryPartRunsExactlyOnce() {
        for threads in [1, 2, 3, 8] {
            let pool = WorkerPool(threads: threads)
            XCTAssertEqual(pool.threads, threads)
            for parts in [1, 2, 3, 7, 40] {
                var counts = [Int32](repeating: 0, count: parts)
                for job in 0..<50 {
                    // A pause between jobs only changes the pool's timing.
                    if job % 10 == 0 { pool.pause() }
                    counts.withUnsafeMutableBufferPointer { buffer in
                        pool.run(parts: parts, context: UnsafeMutableRawPointer(buffer.baseAddress!)) { context, part in
                            context?.assumingMemoryBound(to: Int32.self)[Int(part)] += 1
                        }
                    }
                }
                XCTAssertEqual(counts, [Int32](repeating: 50, count: parts), "\(threads) threads, \(parts) parts")
            }
        }
    }

    /// Far more threads than cores, and far more parts than threads: every
    /// job still finishes with each part run once, over many jobs in a row
    /// (some of which find the workers asleep and some polling).
    func testManyThreadsAndManyPartsRunEveryPartOnce() {
        let pool = WorkerPool(threads: 64)
        XCTAssertEqual(pool.threads, 64)
        // 70,000 parts take two rounds of the pool's ticket (at most 65,535).
        for (parts, jobs) in [(2, 200), (63, 200), (64, 200), (65, 200), (500, 200), (70_000, 3)] {
            var counts = [Int32](repeating: 0, count: parts)
            for _ in 0..<jobs {
                counts.withUnsafeMutableBufferPointer { buffer in
                    pool.run(parts: parts, context: UnsafeMutableRawPointer(buffer.baseAddress!)) { context, part in
                        context?.assumingMemoryBound(to: Int32.self)[Int(part)] += 1
                    }
                }
            }
            XCTAssertTrue(counts.allSatisfy { Int($0) == jobs }, "64 threads, \(parts) parts")
        }
    }

    /// `run` returns only when every part has finished: checked on the
    /// caller right after each job, so a part missed, run twice or still
    /// running on a worker would show. Part counts change from job to job,
    /// up and down, as a claimer late from one job must not take a part of
    /// the next.
    func testRunReturnsWithEveryPartFinished() {
        for threads in [2, 3, 8] {
            let pool = WorkerPool(threads: threads)
            var runs = [Int64](repeating: 0, count: 64), expected = runs
            for job in 1...3_000 {
                let parts = 1 + (job * 7) % 64
                runs.withUnsafeMutableBufferPointer { buffer in
                    pool.run(parts: parts, context: UnsafeMutableRawPointer(buffer.baseAddress!)) { context, part in
                        context?.assumingMemoryBound(to: Int64.self)[Int(part)] += 1
                    }
                }
                for part in 0..<parts { expected[part] += 1 }
                guard runs == expected else {
                    XCTFail("\(threads) threads, job \(job) of \(parts) parts")
                    break
                }
            }
        }
    }

    /// The two parts of a job run at once on two threads: each part waits
    /// for the other to start, which only another thread can do. (The wait
    /// gives up after a minute, so a broken pool fails instead of hanging.)
    func testPartsRunConcurrentlyOnTwoThreads() {
        let pool = WorkerPool(threads: 2)
        let meeting = Rendezvous()
        pool.run(parts: 2, context: Unmanaged.passUnretained(meeting).toOpaque()) { context, part in
            let meeting = Unmanaged<Rendezvous>.fromOpaque(context!).takeUnretainedValue()
            if part == 0 {
                meeting.first.store(UInt(pthread_self()), ordering: .relaxed)
            } else {
                meeting.second.store(UInt(pthread_self()), ordering: .relaxed)
            }
            meeting.started.add(1, ordering: .sequentiallyConsistent)
            let start = ContinuousClock.now
            while meeting.started.load(ordering: .sequentiallyConsistent) < 2,
                ContinuousClock.now - start < .seconds(60) {}
        }
        XCTAssertEqual(meeting.started.load(ordering: .relaxed), 2)
        XCTAssertNotEqual(meeting.first.load(ordering: .relaxed), meeting.second.load(ordering: .relaxed))
    }
}

/// What the two parts of `testPartsRunConcurrentlyOnTwoThreads` share.
private final class Rendezvous: Sendable {
    let started = Atomic<Int>(0)
    /// The threads that ran parts 0 and 1.
    let first = Atomic<UInt>(0), second = Atomic<UInt>(0)
}
