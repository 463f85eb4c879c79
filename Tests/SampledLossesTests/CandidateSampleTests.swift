import XCTest
@testable import SampledLosses

final class CandidateSampleTests: XCTestCase {
    func testEmptySampleHasRequestedSizes() throws {
        let sample = try CandidateSample(numSampled: 4, classCount: 9)
        XCTAssertEqual(sample.numSampled, 4)
        XCTAssertEqual(sample.classes.count, 4)
        XCTAssertEqual(sample.expectedCounts.count, 4)
        XCTAssertEqual(sample.seen.count, 9)
    }

    func testInvalidSizesAreRejected() {
        XCTAssertThrowsError(try CandidateSample(numSampled: 0, classCount: 9)) { error in
            XCTAssertEqual(error as? SampledLossError, .countTooSmall(what: "num_sampled", minimum: 1, found: 0))
        }
        XCTAssertThrowsError(try CandidateSample(numSampled: 2, classCount: 0))
        XCTAssertThrowsError(try CandidateSample(classes: [1, 2], expectedCounts: [0.5], numTries: 2)) { error in
            XCTAssertEqual(error as? SampledLossError, .sampleSizeMismatch(expected: 2, found: 1))
        }
        XCTAssertThrowsError(try CandidateSample(classes: [], expectedCounts: [], numTries: 0))
    }

    func testGivenSampleCanLaterBeRefilled() throws {
        var sample = try CandidateSample(classes: [3, 1], expectedCounts: [0.5, 0.25], numTries: 3)
        XCTAssertEqual(sample.classes, [3, 1])
        XCTAssertEqual(sample.numTries, 3)
        var generator = SeededGenerator(seed: 2)
        try LogUniformSampler(classCount: 6).sample(into: &sample, unique: true, using: &generator)
        XCTAssertEqual(Set(sample.classes).count, 2)
        XCTAssertEqual(sample.seen.count, 6)
    }
}
