extension Plane {
    /// The plane resampled to `width` × `height` by area averaging (see
    /// `areaResampled`).
    func resampled(width newWidth: Int, height newHeight: Int) -> Plane {
        Self.areaResampled(width: width, height: height, to: newWidth, newHeight) { x, y in self[x, y] }
    }

    /// A `width` × `height` source, read through `sample(x, y)`, resampled
    /// to `newWidth` × `newHeight` by area averaging: each output pixel is
    /// the mean of the source over the rectangle it covers, partly covered
    /// source pixels counted by the fraction covered. Shrinking thus
    /// anti-aliases edges into grey levels, as MNIST's normalisation did.
    ///
    /// - Precondition: every size is at least 1.
    static func areaResampled(
        width: Int, height: Int, to newWidth: Int, _ newHeight: Int, sample: (Int, Int) -> Double
    ) -> Plane {
        let across = coverage(from: width, to: newWidth)
        let down = coverage(from: height, to: newHeight)
        // Rows first, then columns: the filter is separable, and the
        // intermediate is only `newWidth` wide.
        var rowsDone = [Double](repeating: 0, count: newWidth * height)
        for y in 0..<height {
            for (x, taps) in across.enumerated() {
                var sum = 0.0
                for (source, weight) in taps { sum += weight * sample(source, y) }
                rowsDone[y * newWidth + x] = sum
            }
        }
        var result = [Double](repeating: 0, count: newWidth * newHeight)
        for (y, taps) in down.enumerated() {
            for x in 0..<newWidth {
                var sum = 0.0
                for (source, weight) in taps { sum += weight * rowsDone[source * newWidth + x] }
                result[y * newWidth + x] = sum
            }
        }
        return Plane(width: newWidth, height: newHeight, values: result)
    }

    /// For each of `outputs` pixels along one axis, the input pixels it
    /// overlaps and their weights (the overlap over the output pixel's extent
    /// in input units; they sum to 1).
    static func coverage(from inputs: Int, to outputs: Int) -> [[(index: Int, weight: Double)]] {
        let scale = Double(inputs) / Double(outputs)
        return (0..<outputs).map { output in
            let start = Double(output) * scale, end = Double(output + 1) * scale
            var taps: [(index: Int, weight: Double)] = []
            var index = Int(start.rounded(.down))
            while index < inputs, Double(index) < end {
                let overlap = min(end, Double(index + 1)) - max(start, Double(index))
                if overlap > 0 { taps.append((index, overlap / scale)) }
                index += 1
            }
            return taps
        }
    }
}
