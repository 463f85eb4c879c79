import MNISTData

extension Evaluator {
    /// The logits and class probabilities of every image of `images`, in
    /// stored order. Pixels are scaled to [0, 1] by `BatchSource`, as in
    /// training and `evaluate`.
    ///
    /// - Precondition: the images have `network.configuration.inputSize`
    ///   pixels.
    public func scores(_ images: ImageSet) -> [ClassScores] {
        precondition(images.pixelsPerImage == network.configuration.inputSize)
        let classes = network.configuration.classCount
        let source = BatchSource<T>(images: images, maxBatch: network.maxBatch)
        var result: [ClassScores] = []
        result.reserveCapacity(images.count)
        for index in 0..<source.batchesPerEpoch {
            let rows = source.load(batch: index)
            network.embedForward(source.pixels, batch: rows)
            network.logitsForward(batch: rows)
            for row in 0..<rows {
                let logits = (0..<classes).map { Double(network.logits[row * classes + $0]) }
                result.append(ClassScores(logits: logits))
            }
        }
        return result
    }
}
