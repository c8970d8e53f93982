import Basics
import CYAML

/// Builds a `YAMLNode` tree from YAML text through libyaml's event parser.
///
/// The event parser gives every node its start mark, which located error messages need. Anchors and
/// aliases are resolved here, and `<<` merge keys applied, so the loader only walks plain trees.
struct YAMLReader {
    /// The file name that error locations carry.
    let file: String

    /// Parses the first document of `bytes`. Returns nil when the stream has no document or an
    /// empty one.
    ///
    /// - Throws: `WorkflowError` for a syntax error (with libyaml's text and place), an alias
    ///   without its anchor, an invalid merge, or a second document.
    func read(_ bytes: [UInt8]) throws(WorkflowError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw WorkflowError(message: "libyaml could not allocate its parser", location: nil, hint: nil)
        }
        defer { yaml_parser_delete(&parser) }

        return try bytes.withUnsafeBufferPointer { (buffer) throws(WorkflowError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder(file: file)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw syntaxError(parser)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT {
                    return builder.document
                }
                try builder.handle(event)
            }
        }
    }

    private func syntaxError(_ parser: yaml_parser_t) -> WorkflowError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        var message = "invalid YAML: \(problem)"
        if let context = parser.context {
            let mark = parser.context_mark
            message += " (\(String(cString: context)) at line \(mark.line + 1), column \(mark.column + 1))"
        }
        let mark = parser.problem_mark
        return WorkflowError(
            message: message,
            location: SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1),
            hint: "Check the indentation and the quoting here. Quote a value that contains ': ' or "
                + "starts with a character YAML reserves, such as '*', '&', '!', '{' or '['."
        )
    }
}

/// Assembles nodes from parser events, one open sequence or mapping per level.
private struct TreeBuilder {
    let file: String
    /// The finished root node of the first document.
    var document: YAMLNode?
    private var documentCount = 0
    private var anchors: [String: YAMLNode] = [:]
    /// Collections not yet closed, innermost last.
    private var open: [OpenCollection] = []

    private struct OpenCollection {
        var line: Int
        var column: Int
        var anchor: String?
        var isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        /// A mapping's key whose value has not arrived yet.
        var pendingKey: YAMLNode?
    }

    init(file: String) {
        self.file = file
    }

    mutating func handle(_ event: yaml_event_t) throws(WorkflowError) {
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentCount += 1
            if documentCount > 1 {
                throw WorkflowError(
                    message: "the workflow file has more than one YAML document",
                    location: SourceLocation(file: file, line: line, column: column),
                    hint: "Keep one document: remove this '---' and what follows, or merge it into the first."
                )
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.tag == nil
            let node = YAMLNode(content: .scalar(text, isPlain: isPlain), line: line, column: column)
            add(node, anchor: Self.string(scalar.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw WorkflowError(
                    message: "unknown alias '*\(name)'",
                    location: SourceLocation(file: file, line: line, column: column),
                    hint: "Define the anchor with '&\(name)' on a value before this alias uses it."
                )
            }
            add(target, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            let anchor = Self.string(event.data.sequence_start.anchor)
            open.append(OpenCollection(line: line, column: column, anchor: anchor, isMapping: false))
        case YAML_MAPPING_START_EVENT:
            let anchor = Self.string(event.data.mapping_start.anchor)
            open.append(OpenCollection(line: line, column: column, anchor: anchor, isMapping: true))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let collection = open.popLast() else {
                return
            }
            let content: YAMLNode.Content
            if collection.isMapping {
                content = .mapping(try applyingMerges(collection.pairs))
            } else {
                content = .sequence(collection.items)
            }
            add(YAMLNode(content: content, line: collection.line, column: collection.column), anchor: collection.anchor)
        default:
            break
        }
    }

    /// Adds a finished node to the collection it belongs to, or makes it the document's root.
    private mutating func add(_ node: YAMLNode, anchor: String?) {
        if let anchor {
            anchors[anchor] = node
        }
        guard !open.isEmpty else {
            if documentCount == 1, document == nil {
                document = node
            }
            return
        }
        let innermost = open.count - 1
        if !open[innermost].isMapping {
            open[innermost].items.append(node)
        } else if let key = open[innermost].pendingKey {
            open[innermost].pairs.append((key: key, value: node))
            open[innermost].pendingKey = nil
        } else {
            open[innermost].pendingKey = node
        }
    }

    /// Replaces `<<` entries with the pairs of the mappings they name. Keys written in the mapping
    /// itself win, then earlier merged mappings over later ones, as the YAML 1.1 merge key type
    /// specifies.
    private func applyingMerges(
        _ pairs: [(key: YAMLNode, value: YAMLNode)]
    ) throws(WorkflowError) -> [(key: YAMLNode, value: YAMLNode)] {
        let isMerge = { (key: YAMLNode) in
            if case .scalar("<<", isPlain: true) = key.content {
                return true
            }
            return false
        }
        guard pairs.contains(where: { isMerge($0.key) }) else {
            return pairs
        }

        var result = pairs.filter { !isMerge($0.key) }
        var seen = Set(result.compactMap(\.key.scalar))
        for pair in pairs where isMerge(pair.key) {
            let sources: [YAMLNode]
            switch pair.value.content {
            case .mapping:
                sources = [pair.value]
            case .sequence(let items):
                sources = items
            case .scalar:
                sources = [pair.value]
            }
            for source in sources {
                guard case .mapping(let merged) = source.content else {
                    throw WorkflowError(
                        message: "a '<<' merge needs a mapping or a list of mappings, found \(source.summary)",
                        location: source.location(in: file),
                        hint: "Merge an alias of a mapping, such as '<<: *defaults'."
                    )
                }
                for mergedPair in merged where !seen.contains(mergedPair.key.scalar ?? "") {
                    seen.insert(mergedPair.key.scalar ?? "")
                    result.append(mergedPair)
                }
            }
        }
        return result
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
