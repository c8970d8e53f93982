/// Turns the body of a glob (the text after `!` and `./`) into compiled alternatives.
///
/// `{a,b}` groups are expanded first, so each alternative is a plain list of segments; a group may
/// hold `/` and other groups. A backslash makes the next character literal everywhere.
struct GlobCompiler {
    /// The maximum number of alternatives one pattern may expand to, so that a few nested groups
    /// cannot make every match slow.
    static let alternativeLimit = 256

    /// Folders at the workspace root that no glob ever matches.
    static let reservedFolders = [".git", ".dagrun", "artifacts"]

    /// The whole pattern as written, for error messages.
    let pattern: String

    /// Compiles `body` into one segment list per alternative.
    func compile(_ body: String) throws(GlobError) -> [[GlobSegment]] {
        var alternatives: [[GlobSegment]] = []
        for alternative in try expandBraces(Array(body.unicodeScalars)) {
            alternatives.append(try compileAlternative(alternative))
        }
        return alternatives
    }

    // MARK: Brace expansion

    private func expandBraces(_ text: [Unicode.Scalar]) throws(GlobError) -> [[Unicode.Scalar]] {
        guard let open = firstTopLevelBrace(in: text) else {
            return [text]
        }
        let (close, commas) = try matchingBrace(in: text, from: open)
        let prefix = text[..<open]
        let suffix = text[(close + 1)...]
        var bounds = [open] + commas
        bounds.append(close)

        var results: [[Unicode.Scalar]] = []
        for index in 0..<(bounds.count - 1) {
            let part = text[(bounds[index] + 1)..<bounds[index + 1]]
            // The prefix has no groups, so expanding the joined text expands the part, then the suffix.
            results += try expandBraces(Array(prefix + part + suffix))
            if results.count > Self.alternativeLimit {
                throw GlobError.tooManyAlternatives(pattern, limit: Self.alternativeLimit)
            }
        }
        return results
    }

    private func firstTopLevelBrace(in text: [Unicode.Scalar]) -> Int? {
        var index = 0
        while index < text.count {
            switch text[index] {
            case "\\":
                index += 2
            case "[":
                index = (classEnd(in: text, from: index) ?? index) + 1
            case "{":
                return index
            default:
                index += 1
            }
        }
        return nil
    }

    /// Returns the index of the `}` that closes the `{` at `open`, and the top-level commas between.
    private func matchingBrace(
        in text: [Unicode.Scalar],
        from open: Int
    ) throws(GlobError) -> (close: Int, commas: [Int]) {
        var depth = 0
        var commas: [Int] = []
        var index = open
        while index < text.count {
            switch text[index] {
            case "\\":
                index += 2
                continue
            case "[":
                index = classEnd(in: text, from: index) ?? index
            case "{":
                depth += 1
            case "}":
                depth -= 1
                if depth == 0 {
                    return (index, commas)
                }
            case "," where depth == 1:
                commas.append(index)
            default:
                break
            }
            index += 1
        }
        throw GlobError.unclosed(pattern, opening: "{", closing: "}")
    }

    /// Returns the index of the `]` that closes the class opened at `open`, or nil when none does.
    /// A `]` right after `[`, `[!` or `[^` is a member, not the end.
    private func classEnd(in text: [Unicode.Scalar], from open: Int) -> Int? {
        var index = open + 1
        if index < text.count, text[index] == "!" || text[index] == "^" {
            index += 1
        }
        if index < text.count, text[index] == "]" {
            index += 1
        }
        while index < text.count {
            switch text[index] {
            case "\\":
                index += 2
            case "]":
                return index
            case "/":
                return nil
            default:
                index += 1
            }
        }
        return nil
    }

    // MARK: Segments

    private func compileAlternative(_ text: [Unicode.Scalar]) throws(GlobError) -> [GlobSegment] {
        var segments: [GlobSegment] = []
        var depth = 0
        var hasParentSegment = false
        var leavesWorkspace = false
        for part in text.split(separator: "/", omittingEmptySubsequences: true) {
            switch String(String.UnicodeScalarView(part)) {
            case ".":
                continue
            case "..":
                depth -= 1
                hasParentSegment = true
                leavesWorkspace = leavesWorkspace || depth < 0
            case "**":
                if case .globstar = segments.last {
                    continue
                }
                depth += 1
                segments.append(.globstar)
            default:
                depth += 1
                segments.append(try compileSegment(Array(part)))
            }
        }
        if hasParentSegment {
            throw leavesWorkspace ? GlobError.leavesWorkspace(pattern) : GlobError.parentSegment(pattern)
        }
        guard !segments.isEmpty else {
            throw GlobError(
                pattern: pattern,
                problem: "it names the workspace root itself, not files in it",
                hint: "Write '**' to match every file in the workspace."
            )
        }
        if case .globstar = segments.last {
            // `out/**` means the files inside `out`, at any depth, but not `out` itself.
            segments.append(.anyName)
        }
        if case .literal(let bytes) = segments.first,
            let folder = Self.reservedFolders.first(where: { Array($0.utf8) == bytes })
        {
            throw GlobError.reservedFolder(pattern, folder: folder)
        }
        return segments
    }

    private func compileSegment(_ text: [Unicode.Scalar]) throws(GlobError) -> GlobSegment {
        var tokens: [GlobToken] = []
        var literal: [UInt8] = []
        func flushLiteral() {
            if !literal.isEmpty {
                tokens.append(.literal(literal))
                literal = []
            }
        }

        var index = 0
        while index < text.count {
            let scalar = text[index]
            switch scalar {
            case "\\":
                guard index + 1 < text.count else {
                    throw GlobError.trailingEscape(pattern)
                }
                literal += Array(String(text[index + 1]).utf8)
                index += 2
                continue
            case "*":
                flushLiteral()
                if case .anyRun = tokens.last {} else {
                    tokens.append(.anyRun)
                }
            case "?":
                flushLiteral()
                tokens.append(.anyCharacter)
            case "[":
                flushLiteral()
                let (characterClass, end) = try compileClass(text, from: index)
                tokens.append(.characterClass(characterClass))
                index = end
            default:
                literal += Array(String(scalar).utf8)
            }
            index += 1
        }
        flushLiteral()

        switch tokens.count {
        case 0:
            return .literal([])
        case 1:
            if case .anyRun = tokens[0] {
                return .anyName
            }
            if case .literal(let bytes) = tokens[0] {
                return .literal(bytes)
            }
            return .wildcard(tokens)
        default:
            return .wildcard(tokens)
        }
    }

    /// Compiles the class that starts at `open`; returns it with the index of its closing `]`.
    private func compileClass(
        _ text: [Unicode.Scalar],
        from open: Int
    ) throws(GlobError) -> (GlobCharacterClass, end: Int) {
        guard let end = classEnd(in: text, from: open) else {
            throw GlobError.unclosed(pattern, opening: "[", closing: "]")
        }
        var index = open + 1
        var isNegated = false
        if text[index] == "!" || text[index] == "^" {
            isNegated = true
            index += 1
        }

        var members: [Unicode.Scalar] = []
        var escaped: [Bool] = []
        while index < end {
            if text[index] == "\\" {
                members.append(text[index + 1])
                escaped.append(true)
                index += 2
            } else {
                members.append(text[index])
                escaped.append(false)
                index += 1
            }
        }

        var ranges: [ClosedRange<UInt32>] = []
        var memberIndex = 0
        while memberIndex < members.count {
            let lower = members[memberIndex]
            let isRange = memberIndex + 2 < members.count
                && members[memberIndex + 1] == "-" && !escaped[memberIndex + 1]
            if isRange {
                let upper = members[memberIndex + 2]
                guard lower.value <= upper.value else {
                    throw GlobError.reversedRange(pattern, lower: lower, upper: upper)
                }
                ranges.append(lower.value...upper.value)
                memberIndex += 3
            } else {
                ranges.append(lower.value...lower.value)
                memberIndex += 1
            }
        }
        return (GlobCharacterClass(ranges: ranges, isNegated: isNegated), end)
    }
}
