extension GrayImage {
    /// The image composited over a plain background wherever it is not
    /// fully opaque, so that transparency always reads as background.
    ///
    /// The background is chosen to contrast with what is visible: black when
    /// the opacity-weighted mean grey level of the image is light (128 or
    /// more), white otherwise. Light strokes on a transparent canvas thus
    /// become light on black, dark strokes dark on white, and both are read
    /// as digits by `DigitImage`. An image without transparency is returned
    /// as it is.
    public func flattened() -> GrayImage {
        guard let alpha else { return self }
        var weighted = 0, opacity = 0
        for (grey, a) in zip(pixels, alpha) {
            weighted += Int(grey) * Int(a)
            opacity += Int(a)
        }
        let background = opacity > 0 && weighted >= 128 * opacity ? 0 : 255
        let blended = zip(pixels, alpha).map { grey, a -> UInt8 in
            let opacity = Int(a)
            let mixed = Int(grey) * opacity + background * (255 - opacity)
            return UInt8((mixed + 127) / 255)
        }
        return GrayImage(width: width, height: height, pixels: blended)
    }
}
