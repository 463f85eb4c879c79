import NCENetwork
import SampledLosses
import XCTest

/// A dense (rows, columns) batch with about `density` of its values
/// non-zero, drawn from `rng`; row 0 and column 0 are all zeros and the last
/// row and last column have no zeros (when there is more than one), so the
/// fixtures always hold empty and full rows and columns.
func sparseFixture(rows: Int, columns: Int, density: Double, using rng: inout SeededGenerator) -> [Float] {
    var x = [Float](repeating: 0, count: rows * columns)
    for b in 0..<rows {
        for i in 0..<columns {
            let empty = rows > 1 && b == 0 || columns > 1 && i == 0
            let full = b == rows - 1 || i == columns - 1
            let draw = rng.nextUnitInterval()
            // Values in [0.25, 1) with either sign, so none rounds to zero.
            let value = Float(0.25 + 0.75 * rng.nextUnitInterval()) * (draw < 0.5 * density ? -1 : 1)
            if !empty && (full || draw < density) { x[b * columns + i] = value }
        }
    }
    return x
}

/// The row and column forms of `SparseInputBatch` against the dense batch.
final class SparseInputBatchTests: XCTestCase {
    func testSmallBatchByHand() {
        // x = [0 2 0; 3 0 -1]
        let batch = SparseInputBatch(maxBatch: 4, inputs: 3)
        batch.load([0, 2, 0, 3, 0, -1], batch: 2)
        XCTAssertEqual(batch.batch, 2)
        XCTAssertEqual(batch.nonZeroCount, 3)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.rowStart, count: 3)), [0, 1, 3])
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.rowColumns, count: 3)), [1, 0, 2])
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.rowValues, count: 3)), [2, 3, -1])
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.columnStart, count: 4)), [0, 1, 2, 3])
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.columnRows, count: 3)), [1, 0, 1])
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.columnValues, count: 3)), [3, 2, -1])
    }

    func testKeepsNaNAndDropsSignedZeros() {
        let batch = SparseInputBatch(maxBatch: 1, inputs: 4)
        batch.load([-0.0, .nan, 0, 5], batch: 1)
        XCTAssertEqual(batch.nonZeroCount, 2)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.rowColumns, count: 2)), [1, 3])
        XCTAssertTrue(batch.rowValues[0].isNaN)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.columnStart, count: 5)), [0, 0, 1, 1, 2])
    }

    func testAllZeroBatchHasNoEntries() {
        let batch = SparseInputBatch(maxBatch: 3, inputs: 5)
        batch.load([Float](repeating: 0, count: 15), batch: 3)
        XCTAssertEqual(batch.nonZeroCount, 0)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.rowStart, count: 4)), [0, 0, 0, 0])
        XCTAssertEqual(Array(UnsafeBufferPointer(start: batch.columnStart, count: 6)), [0, 0, 0, 0, 0, 0])
    }

    /// Both forms, expanded back to dense, give the batch again, in
    /// ascending order within each row and column; a smaller batch loaded
    /// after a larger one leaves nothing of it behind.
    func testRandomBatchesRoundTripThroughBothForms() {
        var rng = SeededGenerator(seed: 11)
        let batch = SparseInputBatch(maxBatch: 128, inputs: 784)
        for (rows, density) in [(128, 0.19), (7, 0.5), (128, 1.0), (1, 0.2)] {
            let x = sparseFixture(rows: rows, columns: 784, density: density, using: &rng)
            batch.load(x, batch: rows)
            XCTAssertEqual(batch.batch, rows)
            XCTAssertEqual(batch.nonZeroCount, x.filter { $0 != 0 }.count)

            var fromRows = [Float](repeating: 0, count: x.count), fromColumns = fromRows
            for b in 0..<rows {
                var previous: Int32 = -1
                for k in Int(batch.rowStart[b])..<Int(batch.rowStart[b + 1]) {
                    let i = batch.rowColumns[k]
                    XCTAssertGreaterThan(i, previous, "row \(b) out of order")
                    previous = i
                    fromRows[b * 784 + Int(i)] = batch.rowValues[k]
                }
            }
            for i in 0..<784 {
                var previous: Int32 = -1
                for k in Int(batch.columnStart[i])..<Int(batch.columnStart[i + 1]) {
                    let b = batch.columnRows[k]
                    XCTAssertGreaterThan(b, previous, "column \(i) out of order")
                    previous = b
                    fromColumns[Int(b) * 784 + i] = batch.columnValues[k]
                }
            }
            XCTAssertEqual(Int(batch.columnStart[784]), batch.nonZeroCount)
            // Stored values are copies, so they match bit for bit.
            XCTAssertEqual(fromRows.map(\.bitPattern), x.map(\.bitPattern), "rows, \(rows)×784 at \(density)")
            XCTAssertEqual(fromColumns.map(\.bitPattern), x.map(\.bitPattern), "columns, \(rows)×784 at \(density)")
        }
    }
}
