import CImageDecoding

/// PNG through libpng, by way of the C shim in `CImageDecoding` (which keeps
/// libpng's error jumps inside C).
enum PNGDecoder {
    /// Decodes any PNG to grey levels, keeping transparency as `alpha`.
    static func decode(_ bytes: [UInt8], source: String) throws(ImageError) -> GrayImage {
        var image = mnist_nce_png_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { data in
            message.withUnsafeMutableBufferPointer { text in
                mnist_nce_png_decode(
                    data.baseAddress, data.count, UInt32(ImageLimits.maxSide), UInt64(ImageLimits.maxPixels),
                    &image, text.baseAddress, text.count)
            }
        }
        defer { mnist_nce_png_free(&image) }
        let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        switch status {
        case MNIST_NCE_PNG_OK:
            break
        case MNIST_NCE_PNG_TOO_LARGE:
            throw ImageError.malformed(source, expected: ImageLimits.sizeDescription, found: "\(image.width)×\(image.height)")
        case MNIST_NCE_PNG_NO_MEMORY:
            throw ImageError(kind: .ioError, source: source, expected: "memory for the pixels", found: "allocation failed")
        case MNIST_NCE_PNG_NOT_PNG:
            throw ImageError.malformed(source, expected: "the PNG signature", found: "other bytes")
        default:
            throw ImageError.malformed(source, expected: "a valid PNG", found: "a damaged file (libpng: \(reason))")
        }
        let count = Int(image.width) * Int(image.height)
        let samples = UnsafeBufferPointer(start: image.pixels, count: count * Int(image.channels))
        if image.channels == 1 {
            return GrayImage(width: Int(image.width), height: Int(image.height), pixels: Array(samples))
        }
        var grey = [UInt8](repeating: 0, count: count)
        var alpha = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            grey[index] = samples[2 * index]
            alpha[index] = samples[2 * index + 1]
        }
        let opaque = alpha.allSatisfy { $0 == 255 }
        return GrayImage(width: Int(image.width), height: Int(image.height), pixels: grey, alpha: opaque ? nil : alpha)
    }
}
