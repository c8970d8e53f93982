/// One glob pattern over paths relative to the workspace root.
///
/// The syntax:
/// - `*` matches any run of characters within one name, `?` one character, and `[...]` one
///   character of a class (`[a-z]`, negated with `[!...]` or `[^...]`). None of them crosses `/`.
/// - `{a,b}` matches either alternative; groups may nest and may contain `/`.
/// - `**` as a whole segment matches any number of folders, including none: `src/**/*.c` matches
///   `src/a.c` and `src/x/y/a.c`. A trailing `**` matches the files inside a folder at any depth,
///   so `out/**` matches `out/app.txt` but not a file named `out`. A trailing `/` means the same:
///   `out/` is `out/**`.
/// - A leading `!` makes the pattern exclude what it matches (see `GlobSet`). A leading `./` is
///   dropped. A backslash makes the next character literal.
/// - A pattern matches whole paths: `src` matches a file named `src` and nothing inside a folder
///   of that name.
///
/// Dotfiles: wildcards match names that start with `.`, as `.gitignore` patterns do, so `src/**`
/// includes `src/.env`. An input left out silently would make a stale build look fresh.
///
/// Reserved folders: nothing under `.git/`, `.dagrun/` or `artifacts/` at the workspace root ever
/// matches, and a pattern that starts in one of them is an error.
///
/// Symbolic links: the matcher sees path strings only. Whether a link is followed, and under which
/// path its contents appear, is the walker's decision; a link is matched by the path it has in the
/// workspace, never by its target's path.
public struct GlobPattern: Sendable, Hashable {
    /// The pattern as written, including a leading `!`.
    public let text: String
    /// True when the pattern was written with a leading `!`.
    public let isNegated: Bool
    /// The literal folder the pattern starts in, relative to the root: "" for the root itself, and
    /// no trailing slash. `out/**` starts in `out`, `src/*.c` in `src`, `dist/app.tgz` in `dist`,
    /// `*.c` in "", and `src/{a,b}/x` in `src`.
    public let literalPrefix: String

    /// One segment list per `{...}` alternative.
    let alternatives: [[GlobSegment]]

    /// Compiles `text`.
    ///
    /// - Throws: `GlobError` when the pattern is empty or blank, leaves the workspace (`/abs`,
    ///   `../x`), contains `..`, starts in a reserved folder, or has an unclosed `[` or `{`, a
    ///   reversed range, or a trailing backslash.
    public init(_ text: String) throws(GlobError) {
        self.text = text
        var body = Substring(text)
        isNegated = body.first == "!"
        if isNegated {
            body = body.dropFirst()
        }
        guard !body.allSatisfy(\.isWhitespace) else {
            throw GlobError.empty(text, isBlank: !body.isEmpty)
        }
        guard body.first != "/" else {
            throw GlobError.absolute(text)
        }
        while body.hasPrefix("./") {
            body = body.dropFirst(2).drop { $0 == "/" }
        }
        if body.hasSuffix("/") {
            body += "**"
        }

        alternatives = try GlobCompiler(pattern: text).compile(String(body))
        literalPrefix = Self.literalPrefix(of: body)
    }

    public static func == (lhs: GlobPattern, rhs: GlobPattern) -> Bool {
        lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }

    /// Returns whether the pattern matches `path`, ignoring `isNegated`.
    ///
    /// - Parameter path: A path relative to the workspace root, `/`-separated, without `./`.
    public func matches(_ path: String) -> Bool {
        withSegments(of: path) { segments in
            !Self.isReserved(segments) && alternatives.contains { matcher($0).matches(segments) }
        }
    }

    /// Returns whether some file below `directory` might match, ignoring `isNegated`; false only when
    /// none can.
    func mayMatch(below directory: String) -> Bool {
        withSegments(of: directory) { segments in
            !Self.isReserved(segments) && alternatives.contains { matcher($0).mayMatch(below: segments) }
        }
    }

    /// Returns whether every file below `directory` matches, ignoring `isNegated`.
    func matchesEverything(below directory: String) -> Bool {
        withSegments(of: directory) { segments in
            alternatives.contains { matcher($0).matchesEverything(below: segments) }
        }
    }

    // MARK: Helpers

    private func matcher(_ segments: [GlobSegment]) -> SegmentSequenceMatcher {
        SegmentSequenceMatcher(segments: segments)
    }

    static func isReserved(_ segments: [UnsafeBufferPointer<UInt8>]) -> Bool {
        guard let first = segments.first else {
            return false
        }
        return GlobCompiler.reservedFolders.contains { first.elementsEqual($0.utf8) }
    }

    /// Calls `body` with the non-empty segments of `path` as UTF-8 byte buffers.
    func withSegments<T>(of path: String, _ body: ([UnsafeBufferPointer<UInt8>]) -> T) -> T {
        var path = path
        return path.withUTF8 { bytes in
            var segments: [UnsafeBufferPointer<UInt8>] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "/") {
                if index > start {
                    segments.append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                }
                start = index + 1
            }
            return body(segments)
        }
    }

    /// Joins the leading segments of `body` that have no wildcards, leaving out the last segment.
    private static func literalPrefix(of body: Substring) -> String {
        let parts = body.split(separator: "/").filter { $0 != "." }
        var prefix: [String] = []
        for part in parts.dropLast() {
            guard let literal = unescapedLiteral(part) else {
                break
            }
            prefix.append(literal)
        }
        return prefix.joined(separator: "/")
    }

    /// Returns `part` without its escapes, or nil when it has a wildcard or a group.
    private static func unescapedLiteral(_ part: Substring) -> String? {
        var result = ""
        var isEscaped = false
        for character in part {
            if isEscaped {
                result.append(character)
                isEscaped = false
            } else if character == "\\" {
                isEscaped = true
            } else if "*?[{".contains(character) {
                return nil
            } else {
                result.append(character)
            }
        }
        return result
    }
}
