/// A JSON value from a safetensors header, kept close to its text so that
/// the header validator can be strict about it.
enum HeaderJSONValue: Equatable {
    /// An object's members in the order they appear; duplicate keys are kept
    /// so that the validator can report them.
    case object([(key: String, value: HeaderJSONValue)])
    case array([HeaderJSONValue])
    case string(String)
    /// A number's exact text, for example `"12"`, `"-1"` or `"1.5e3"`.
    case number(String)
    case bool(Bool)
    case null

    static func == (lhs: HeaderJSONValue, rhs: HeaderJSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.object(a), .object(b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(a), .array(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// A short description of the value's type and, for scalars, its value,
    /// for error messages: `an object`, `an array of 3`, `string "F32"`,
    /// `number 1.5`; long text is cut to 40 characters.
    var summary: String {
        switch self {
        case .object: "an object"
        case let .array(items): "an array of \(items.count)"
        case let .string(text): "string \(Self.shortened(text).debugDescription)"
        case let .number(text): "number \(Self.shortened(text))"
        case let .bool(value): "\(value)"
        case .null: "null"
        }
    }

    /// `text` cut to 40 characters, so that one message stays one short line.
    private static func shortened(_ text: String) -> String {
        text.count <= 40 ? text : text.prefix(40) + "…"
    }
}
