import CNumericKernels
import MNISTData
import SampledLosses

/// Mini-batches of one split: a shuffled order over its images, and buffers
/// that receive a batch's pixels as values in [0, 1] and its labels.
///
/// Pixels stay `UInt8` in the data set; only the rows of the current batch
/// are converted. The buffers are allocated once, for `maxBatch` rows: the
/// current batch's, and (at the first `prepare(batch:)`) a spare pair that
/// holds a later batch while the current one is still in use.
public final class BatchSource<T: NetworkScalar> {
    public let images: ImageSet
    public let maxBatch: Int
    /// (maxBatch, pixelsPerImage): the current batch, scaled to [0, 1].
    public private(set) var pixels: UnsafeMutablePointer<T>
    /// (maxBatch): the current batch's labels.
    public private(set) var labels: UnsafeMutablePointer<Int32>
    /// (maxBatch, pixelsPerImage): the prepared batch, scaled to [0, 1];
    /// nil before the first `prepare(batch:)`.
    public private(set) var preparedPixels: UnsafeMutablePointer<T>?
    private var preparedLabels: UnsafeMutablePointer<Int32>?
    /// The batch the spare buffers hold, if any (cleared by `shuffle`).
    public private(set) var preparedBatch: Int?
    /// The visiting order of the split's images.
    public private(set) var order: [Int32]

    /// - Precondition: `maxBatch > 0`.
    public init(images: ImageSet, maxBatch: Int) {
        precondition(maxBatch > 0)
        self.images = images
        self.maxBatch = maxBatch
        pixels = .allocate(capacity: maxBatch * images.pixelsPerImage)
        pixels.initialize(repeating: 0, count: maxBatch * images.pixelsPerImage)
        labels = .allocate(capacity: maxBatch)
        labels.initialize(repeating: 0, count: maxBatch)
        order = (0..<images.count).map { Int32($0) }
    }

    deinit {
        pixels.deallocate()
        labels.deallocate()
        preparedPixels?.deallocate()
        preparedLabels?.deallocate()
    }

    /// Batches in one pass over the split; the last one may be partial.
    public var batchesPerEpoch: Int { (images.count + maxBatch - 1) / maxBatch }

    /// Puts the images in a random order (Fisher–Yates) that depends only
    /// on `rng`, not on the order before.
    public func shuffle(using rng: inout some RandomNumberGenerator) {
        preparedBatch = nil
        order.withUnsafeMutableBufferPointer { order in
            for i in order.indices { order[i] = Int32(i) }
            var i = order.count - 1
            while i > 0 {
                order.swapAt(i, rng.nextIndex(below: i + 1))
                i -= 1
            }
        }
    }

    /// Fills the current buffers with batch `index` of the current order and
    /// returns its size (`maxBatch`, or fewer for the last batch). The
    /// images of batch `index + 1` are then prefetched into the cache, so
    /// that a shuffled epoch does not wait for memory at each image.
    ///
    /// - Precondition: `0 <= index < batchesPerEpoch`.
    @discardableResult
    @_specialize(exported: true, where T == Float)
    public func load(batch index: Int) -> Int {
        preparedBatch = nil
        return fill(batch: index, pixels: pixels, labels: labels)
    }

    /// Fills the spare buffers with batch `index`, as `load(batch:)` fills
    /// the current ones, leaving the current batch as it is; returns its
    /// size. `usePrepared(batch:)` then makes it current without copying.
    /// It only touches the spare buffers, so it may run on another thread
    /// while the current batch is read.
    ///
    /// - Precondition: `0 <= index < batchesPerEpoch`.
    @discardableResult
    @_specialize(exported: true, where T == Float)
    public func prepare(batch index: Int) -> Int {
        if preparedPixels == nil {
            preparedPixels = .allocate(capacity: maxBatch * images.pixelsPerImage)
            preparedPixels?.initialize(repeating: 0, count: maxBatch * images.pixelsPerImage)
            preparedLabels = .allocate(capacity: maxBatch)
            preparedLabels?.initialize(repeating: 0, count: maxBatch)
        }
        guard let preparedPixels, let preparedLabels else { preconditionFailure("the spare buffers exist") }
        let count = fill(batch: index, pixels: preparedPixels, labels: preparedLabels)
        preparedBatch = index
        return count
    }

    /// Makes the prepared batch current, if it is batch `index`, and
    /// returns its size; returns nil (changing nothing) otherwise.
    public func usePrepared(batch index: Int) -> Int? {
        guard preparedBatch == index, let spare = preparedPixels, let spareLabels = preparedLabels else { return nil }
        preparedPixels = pixels
        preparedLabels = labels
        pixels = spare
        labels = spareLabels
        preparedBatch = nil
        return min(maxBatch, images.count - index * maxBatch)
    }

    @inline(__always)
    private func fill(batch index: Int, pixels: UnsafeMutablePointer<T>, labels: UnsafeMutablePointer<Int32>) -> Int {
        precondition(index >= 0 && index < batchesPerEpoch, "batch \(index) is outside 0..<\(batchesPerEpoch)")
        let start = index * maxBatch
        let count = min(maxBatch, images.count - start)
        let width = images.pixelsPerImage
        let scale = 1 / T(255)
        images.pixels.withUnsafeBufferPointer { source in
            images.labels.withUnsafeBufferPointer { sourceLabels in
                order.withUnsafeBufferPointer { order in
                    for row in 0..<count {
                        let image = Int(order[start + row])
                        let from = source.baseAddress! + image * width
                        let to = pixels + row * width
                        for p in 0..<width { to[p] = T(from[p]) * scale }
                        labels[row] = Int32(sourceLabels[image])
                    }
                    let next = min(order.count, start + count)..<min(order.count, start + count + maxBatch)
                    mnist_nce_prefetch_rows(
                        source.baseAddress, width, order.baseAddress! + next.lowerBound, next.count)
                }
            }
        }
        return count
    }
}
