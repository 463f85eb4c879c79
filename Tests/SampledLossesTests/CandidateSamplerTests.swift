import Foundation
import XCTest
@testable import SampledLosses

final class CandidateSamplerTests: XCTestCase {
    /// TensorFlow's expected count, written out independently of the library.
    func referenceCount(p: Float, numSampled: Int, numTries: Int) -> Double {
        if numTries == numSampled { return Double(p * Float(numSampled)) }
        return 1 - pow(1 - Double(p), Double(numTries))
    }

    func allSamplers() throws -> [any CandidateSampler] {
        [
            try LogUniformSampler(classCount: 50),
            try UniformSampler(classCount: 50),
            try UnigramSampler(counts: (0..<50).map { Double($0 % 7 + 1) }, distortion: 0.75),
        ]
    }

    func testUniqueDrawsAreDistinctAndInRange() throws {
        for sampler in try allSamplers() {
            var sample = try CandidateSample(numSampled: 20, classCount: sampler.classCount)
            var generator = SeededGenerator(seed: 51)
            for _ in 0..<50 {
                try sampler.sample(into: &sample, unique: true, using: &generator)
                XCTAssertEqual(Set(sample.classes).count, 20, "\(type(of: sampler)) repeated a class")
                XCTAssertTrue(sample.classes.allSatisfy { $0 >= 0 && $0 < 50 })
                XCTAssertGreaterThanOrEqual(sample.numTries, 20)
            }
        }
    }

    func testUniqueSampleOfEveryClassHoldsEachOnce() throws {
        let sampler = try LogUniformSampler(classCount: 12)
        var sample = try CandidateSample(numSampled: 12, classCount: 12)
        var generator = SeededGenerator(seed: 52)
        try sampler.sample(into: &sample, unique: true, using: &generator)
        XCTAssertEqual(sample.classes.sorted(), (0..<12).map(Int32.init))
        // Drawing again must start from cleared flags.
        try sampler.sample(into: &sample, unique: true, using: &generator)
        XCTAssertEqual(sample.classes.sorted(), (0..<12).map(Int32.init))
    }

    func testSameSeedGivesSameSamples() throws {
        for sampler in try allSamplers() {
            var first = try CandidateSample(numSampled: 10, classCount: 50)
            var second = try CandidateSample(numSampled: 10, classCount: 50)
            var other = try CandidateSample(numSampled: 10, classCount: 50)
            var a = SeededGenerator(seed: 9)
            var b = SeededGenerator(seed: 9)
            var c = SeededGenerator(seed: 10)
            var sawDifference = false
            for _ in 0..<5 {
                try sampler.sample(into: &first, unique: true, using: &a)
                try sampler.sample(into: &second, unique: true, using: &b)
                try sampler.sample(into: &other, unique: true, using: &c)
                XCTAssertEqual(first.classes, second.classes)
                XCTAssertEqual(first.numTries, second.numTries)
                if first.classes != other.classes { sawDifference = true }
            }
            XCTAssertTrue(sawDifference, "\(type(of: sampler)): another seed gave identical samples")
        }
    }

    func testTooManyUniqueSamplesIsAnError() throws {
        let sampler = try LogUniformSampler(classCount: 5)
        var sample = try CandidateSample(numSampled: 6, classCount: 5)
        var generator = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try sampler.sample(into: &sample, unique: true, using: &generator)) { error in
            XCTAssertEqual(error as? SampledLossError, .tooManyUniqueSamples(numSampled: 6, drawableClasses: 5))
            XCTAssertTrue("\(error)".contains("num_sampled = 6"))
        }
        // Without uniqueness repeats are allowed, so the same request is fine.
        XCTAssertNoThrow(try sampler.sample(into: &sample, unique: false, using: &generator))
        XCTAssertEqual(sample.numTries, 6)
    }

    func testUniqueSamplingCountsOnlyDrawableClasses() throws {
        let sampler = try UnigramSampler(counts: [1, 0, 1, 0], distortion: 1)
        var sample = try CandidateSample(numSampled: 3, classCount: 4)
        var generator = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try sampler.sample(into: &sample, unique: true, using: &generator)) { error in
            XCTAssertEqual(error as? SampledLossError, .tooManyUniqueSamples(numSampled: 3, drawableClasses: 2))
        }
    }

    func testExpectedCountsWithAndWithoutRejections() throws {
        let sampler = try LogUniformSampler(classCount: 30)
        var sample = try CandidateSample(numSampled: 6, classCount: 30)
        var generator = SeededGenerator(seed: 53)
        var sawRejection = false
        var sawNone = false
        for _ in 0..<200 {
            try sampler.sample(into: &sample, unique: true, using: &generator)
            if sample.numTries == 6 { sawNone = true } else { sawRejection = true }
            for (k, count) in zip(sample.classes, sample.expectedCounts) {
                let p = sampler.probability(of: Int(k))
                let expected = referenceCount(p: p, numSampled: 6, numTries: sample.numTries)
                assertRelative(Double(count), expected, tolerance: 1e-6, "count of \(k), tries \(sample.numTries)")
            }
        }
        XCTAssertTrue(sawRejection && sawNone, "both branches of the expected count must be exercised")
    }

    func testNonUniqueExpectedCountsArePTimesS() throws {
        let sampler = try LogUniformSampler(classCount: 4)
        var sample = try CandidateSample(numSampled: 9, classCount: 4)
        var generator = SeededGenerator(seed: 54)
        try sampler.sample(into: &sample, unique: false, using: &generator)
        XCTAssertEqual(sample.numTries, 9)
        for (k, count) in zip(sample.classes, sample.expectedCounts) {
            assertRelative(Double(count), Double(sampler.probability(of: Int(k))) * 9, tolerance: 1e-6, "count of \(k)")
        }
        XCTAssertTrue(sample.expectedCounts.contains { $0 > 1 }, "p·S exceeds 1 for class 0 here")
    }

    func testBulkExpectedCountsMatchSingleOnes() throws {
        let sampler = try UnigramSampler(counts: [4, 1, 9, 2], distortion: 0.5)
        let labels: [Int32] = [0, 3, 2, 2, 1]
        var counts = [Float](repeating: 0, count: 5)
        sampler.expectedCounts(of: labels, count: 5, numSampled: 2, numTries: 4, into: &counts)
        for i in 0..<5 {
            let expected = referenceCount(p: sampler.probability(of: Int(labels[i])), numSampled: 2, numTries: 4)
            assertRelative(Double(counts[i]), expected, tolerance: 1e-6, "label \(i)")
        }
    }

    func testResamplingReusesTheSampleStorage() throws {
        let sampler = try LogUniformSampler(classCount: 100)
        var sample = try CandidateSample(numSampled: 16, classCount: 100)
        var generator = SeededGenerator(seed: 55)
        func addresses(_ sample: CandidateSample) -> [UInt] {
            [
                UInt(bitPattern: sample.storedClasses.withUnsafeBufferPointer { $0.baseAddress }),
                UInt(bitPattern: sample.storedExpectedCounts.withUnsafeBufferPointer { $0.baseAddress }),
                UInt(bitPattern: sample.seen.withUnsafeBufferPointer { $0.baseAddress }),
            ]
        }
        try sampler.sample(into: &sample, unique: true, using: &generator)
        let before = addresses(sample)
        for _ in 0..<10 { try sampler.sample(into: &sample, unique: true, using: &generator) }
        XCTAssertEqual(addresses(sample), before)
        XCTAssertFalse(sample.seen.contains(true), "flags must be cleared after each draw")
    }
}
