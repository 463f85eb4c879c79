extension StringProtocol {
    /// The text with every run of whitespace (line breaks from help
    /// wrapping included) replaced by one space, and none at either end.
    var collapsingWhitespace: String {
        split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
