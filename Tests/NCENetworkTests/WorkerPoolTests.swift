import Glibc
import NCENetwork
import XCTest

final class WorkerPoolTests: XCTestCase {
    /// Every part of every job runs exactly once, whether there are fewer,
    /// as many or more parts than threads.
    func testEveryPartRunsExactlyOnce() {
        for threads in [1, 2, 3] {
            let pool = WorkerPool(threads: threads)
            XCTAssertEqual(pool.threads, threads)
            for parts in [1, 2, 3, 7] {
                var counts = [Int32](repeating: 0, count: parts)
                for _ in 0..<50 {
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

    /// Jobs with several threads really run on other threads.
    func testPartsRunOnTheWorkers() {
        let pool = WorkerPool(threads: 2)
        var threadIDs = [UInt64](repeating: 0, count: 2)
        threadIDs.withUnsafeMutableBufferPointer { buffer in
            pool.run(parts: 2, context: UnsafeMutableRawPointer(buffer.baseAddress!)) { context, part in
                context?.assumingMemoryBound(to: UInt64.self)[Int(part)] = UInt64(pthread_self())
            }
        }
        XCTAssertNotEqual(threadIDs[0], threadIDs[1])
    }
}
