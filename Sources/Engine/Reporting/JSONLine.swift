/// Builds one JSON object with its keys in the order they are added, for `--json` output.
///
/// Key order is fixed so that output is stable for tools that diff it; values are strings,
/// numbers, Booleans, arrays of strings, or nested objects.
public struct JSONLine: Sendable {
    private var members: [String] = []

    public init() {}

    public mutating func add(_ key: String, _ value: String) {
        members.append("\(Self.quote(key)):\(Self.quote(value))")
    }

    public mutating func add(_ key: String, _ value: Int) {
        members.append("\(Self.quote(key)):\(value)")
    }

    public mutating func add(_ key: String, _ value: Double) {
        let text = value.isFinite ? String(value) : "null"
        members.append("\(Self.quote(key)):\(text)")
    }

    public mutating func add(_ key: String, _ value: Bool) {
        members.append("\(Self.quote(key)):\(value)")
    }

    public mutating func add(_ key: String, _ values: [String]) {
        members.append("\(Self.quote(key)):[\(values.map(Self.quote).joined(separator: ","))]")
    }

    public mutating func add(_ key: String, _ object: JSONLine) {
        members.append("\(Self.quote(key)):\(object.text)")
    }

    public mutating func add(_ key: String, objects: [JSONLine]) {
        members.append("\(Self.quote(key)):[\(objects.map(\.text).joined(separator: ","))]")
    }

    /// The object as compact JSON text, without a newline.
    public var text: String { "{" + members.joined(separator: ",") + "}" }

    /// Returns `string` as a JSON string literal, escaping quotes, backslashes and control characters.
    public static func quote(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
