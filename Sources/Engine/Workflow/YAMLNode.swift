import Basics

/// A YAML node with the place it was written, as the workflow loader needs it.
///
/// Scalars keep their text; the loader decides per key whether that text is a number, a Boolean or
/// a string. Aliases are resolved and merge keys (`<<`) applied by the time a node exists.
struct YAMLNode: Sendable {
    enum Content: Sendable {
        /// A scalar's text, and whether it was written plain (unquoted, not a block scalar).
        case scalar(String, isPlain: Bool)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    var content: Content
    /// The 1-based line and column where the node starts.
    var line: Int
    var column: Int

    /// The scalar's text, or nil for a sequence or a mapping.
    var scalar: String? {
        if case .scalar(let text, _) = content {
            return text
        }
        return nil
    }

    /// True for a plain `~`, `null` or nothing at all, which YAML reads as null.
    var isNull: Bool {
        guard case .scalar(let text, isPlain: true) = content else {
            return false
        }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// The node as a message shows it when it has the wrong type: a scalar quoted, else its kind.
    var summary: String {
        switch content {
        case .scalar where isNull:
            return "nothing"
        case .scalar(let text, _):
            let firstLine = text.prefix { $0 != "\n" }
            let shown = firstLine.count > 40 || firstLine.count < text.count ? "\(firstLine.prefix(40))..." : text
            return "'\(shown)'"
        case .sequence:
            return "a list"
        case .mapping:
            return "a mapping"
        }
    }
}
