extension ImageSet {
    /// The first `head` images and the rest, as two splits.
    ///
    /// - Precondition: `0 ≤ head ≤ count` (checked by the caller).
    func split(at head: Int) -> (ImageSet, ImageSet) {
        let boundary = head * pixelsPerImage
        let first = ImageSet(
            validatedRows: rows, columns: columns,
            pixels: Array(pixels[..<boundary]), labels: Array(labels[..<head]))
        let rest = ImageSet(
            validatedRows: rows, columns: columns,
            pixels: Array(pixels[boundary...]), labels: Array(labels[head...]))
        return (first, rest)
    }
}
