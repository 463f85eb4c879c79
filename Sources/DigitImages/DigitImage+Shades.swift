extension DigitImage {
    /// Characters from background to full ink.
    public static let shades = Array(" .:-=+*#%@")

    /// The digit as text, one string per row, two characters per pixel (so
    /// that it looks about square in a terminal), darker shades for more ink.
    public var shadeRows: [String] {
        (0..<Self.side).map { y in
            String(pixels[(y * Self.side)..<((y + 1) * Self.side)].flatMap { level -> [Character] in
                let shade = Self.shades[Int(level) * Self.shades.count / 256]
                return [shade, shade]
            })
        }
    }
}
