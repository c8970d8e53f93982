import Basics

/// Turns a YAML tree into jobs and settings, checking each value's type where it is written.
///
/// The decoder reads one file and collects its warnings; checks across jobs (unique names,
/// `needs`, cycles) run afterwards, in `WorkflowLoader`.
struct WorkflowDecoder {
    /// The file name that error locations carry.
    let file: String
    var warnings: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// One key and value of a mapping, with the key's node for locations.
    struct Entry {
        var key: String
        var keyNode: YAMLNode
        var value: YAMLNode
    }

    // MARK: Mappings

    /// Returns the entries of a mapping, in order.
    ///
    /// - Throws: `WorkflowError` when `node` is not a mapping, a key is not a scalar, or a key
    ///   appears twice.
    func entries(
        of node: YAMLNode,
        named name: String,
        expected: String,
        hint: String? = nil
    ) throws(WorkflowError) -> [Entry] {
        guard case .mapping(let pairs) = node.content else {
            let hint = hint ?? "Write '\(name)' as a mapping, one 'key: value' per line."
            throw WorkflowError.wrongType(name, expected: expected, found: node, file: file, hint: hint)
        }
        var entries: [Entry] = []
        var firstLines: [String: Int] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar else {
                throw WorkflowError(
                    message: "keys in '\(name)' must be names, found \(pair.key.summary)",
                    location: pair.key.location(in: file),
                    hint: "Write each key as a plain name followed by ':'."
                )
            }
            if let firstLine = firstLines[key] {
                throw WorkflowError.duplicateKey(key, at: pair.key.location(in: file), firstLine: firstLine)
            }
            firstLines[key] = pair.key.line
            entries.append(Entry(key: key, keyNode: pair.key, value: pair.value))
        }
        return entries
    }

    /// Throws for the first entry whose key is not in `validKeys`, naming the nearest valid key.
    func rejectUnknownKeys(_ entries: [Entry], validKeys: [String], context: String) throws(WorkflowError) {
        for entry in entries where !validKeys.contains(entry.key) {
            throw WorkflowError.unknownKey(
                entry.key,
                at: entry.keyNode.location(in: file),
                validKeys: validKeys,
                context: context
            )
        }
    }

    // MARK: Scalars

    /// Returns the text of a scalar that is not null.
    func string(
        _ node: YAMLNode,
        key: String,
        expected: String = "a string",
        hint: String? = nil
    ) throws(WorkflowError) -> String {
        guard let text = node.scalar, !node.isNull else {
            let hint = hint ?? "Write one value after '\(key):', in quotes when it starts with '[', '{' or '*'."
            throw WorkflowError.wrongType(key, expected: expected, found: node, file: file, hint: hint)
        }
        return text
    }

    func wholeNumber(_ node: YAMLNode, key: String) throws(WorkflowError) -> Int {
        let expected = "a whole number >= 0"
        guard let text = node.scalar, !node.isNull, text.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int(text)
        else {
            let hint = "Write a whole number, such as '\(key): 2'."
            throw WorkflowError.wrongType(key, expected: expected, found: node, file: file, hint: hint)
        }
        return value
    }

    func boolean(_ node: YAMLNode, key: String) throws(WorkflowError) -> Bool {
        switch node.scalar {
        case "true", "True", "TRUE":
            return true
        case "false", "False", "FALSE":
            return false
        default:
            let hint = "Write true or false, such as '\(key): false'."
            throw WorkflowError.wrongType(key, expected: "true or false", found: node, file: file, hint: hint)
        }
    }

    func duration(_ node: YAMLNode, key: String) throws(WorkflowError) -> Duration {
        guard let text = node.scalar, let duration = parseDuration(text) else {
            throw WorkflowError.invalidDuration(key, found: node, file: file)
        }
        return duration
    }

    /// Returns one string or a list of strings as a list of nodes, each with its text; null is an
    /// empty list.
    func stringList(_ node: YAMLNode, key: String) throws(WorkflowError) -> [(text: String, node: YAMLNode)] {
        let expected = "a string or a list of strings"
        let hint = "Write one value, such as '\(key): a', or a list, such as '\(key): [a, b]'."
        if node.isNull {
            return []
        }
        switch node.content {
        case .scalar(let text, _):
            return [(text, node)]
        case .sequence(let items):
            var result: [(text: String, node: YAMLNode)] = []
            for item in items {
                result.append((try string(item, key: key, expected: expected, hint: hint), item))
            }
            return result
        case .mapping:
            throw WorkflowError.wrongType(key, expected: expected, found: node, file: file, hint: hint)
        }
    }

    /// Returns an `env` mapping; numbers and Booleans keep the text they were written with, and a
    /// null value is the empty string.
    func environment(_ node: YAMLNode, key: String = "env") throws(WorkflowError) -> [String: String] {
        if node.isNull {
            return [:]
        }
        var environment: [String: String] = [:]
        let mappingHint = "Write it as a mapping, such as '\(key): {MODE: release}'."
        for entry in try entries(of: node, named: key, expected: "a mapping of names to values", hint: mappingHint) {
            let isValidName = !entry.key.isEmpty && !entry.key.contains("=") && !entry.key.contains("\0")
            guard isValidName else {
                throw WorkflowError(
                    message: "invalid environment variable name '\(entry.key)' in '\(key)'",
                    location: entry.keyNode.location(in: file),
                    hint: "Use a non-empty name without '=', such as 'MODE'."
                )
            }
            guard let value = entry.value.scalar else {
                throw WorkflowError(
                    message: "'\(entry.key)' in '\(key)' must be a string, number or Boolean, found \(entry.value.summary)",
                    location: entry.value.location(in: file),
                    hint: "Quote the value to pass it as text, such as '\(entry.key): \"a b\"'."
                )
            }
            environment[entry.key] = entry.value.isNull ? "" : value
        }
        return environment
    }
}
