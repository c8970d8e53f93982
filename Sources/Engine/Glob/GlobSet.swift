/// An ordered list of glob patterns that decides, as `.gitignore` does, which paths are included.
///
/// A path is included when the last pattern that matches it is positive: with `src/**`,
/// `!src/gen/**`, `src/gen/keep.c`, the file `src/gen/keep.c` is included again while the rest
/// of `src/gen/` is not. A path no pattern matches is not included.
///
/// For `.inputs`, editors' temporary files never match. They are judged by the file name alone:
/// names ending in `.swp`, `.swx` or `~`, names starting with `.#`, names between two `#`, and
/// `4913`, the file Vim creates to test whether a folder is writable. For both purposes nothing
/// under `.git/`, `.dagrun/` or `artifacts/` at the workspace root matches.
public struct GlobSet: Sendable, Hashable {
    /// What the patterns select, which decides the extra exclusions.
    public enum Purpose: Sendable {
        /// Files whose contents go into a job's cache key.
        case inputs
        /// Files a job produces, to be collected.
        case artifacts
    }

    public let patterns: [GlobPattern]
    public let purpose: Purpose

    /// Compiles `patterns` in order.
    ///
    /// - Throws: `GlobError` for the first invalid pattern.
    public init(_ patterns: [String], purpose: Purpose) throws(GlobError) {
        var compiled: [GlobPattern] = []
        for text in patterns {
            compiled.append(try GlobPattern(text))
        }
        self.patterns = compiled
        self.purpose = purpose
    }

    /// Returns whether `path` is included: the last pattern that matches it is positive.
    ///
    /// - Parameter path: A path relative to the workspace root, `/`-separated, without `./`.
    public func matches(_ path: String) -> Bool {
        decidingPattern(for: path) != nil
    }

    /// Returns the pattern that includes `path`: the last pattern that matches it, when that one is
    /// positive. Returns nil when `path` is not included.
    ///
    /// Artifact collection uses it to place a file under the pattern's `literalPrefix`.
    public func decidingPattern(for path: String) -> GlobPattern? {
        if purpose == .inputs, Self.isEditorTemporaryFile(path) {
            return nil
        }
        guard let last = patterns.last(where: { $0.matches(path) }), !last.isNegated else {
            return nil
        }
        return last
    }

    /// The folders a walk or a watch must cover: the literal prefixes of the positive patterns,
    /// without duplicates and without any folder inside another one of the list, in the order the
    /// patterns give them. `[""]` when some pattern starts at the root; empty when no pattern is
    /// positive.
    public var searchRoots: [String] {
        var roots: [String] = []
        for pattern in patterns where !pattern.isNegated {
            let prefix = pattern.literalPrefix
            if roots.contains(where: { Self.isFolder(prefix, inside: $0) }) {
                continue
            }
            roots.removeAll { Self.isFolder($0, inside: prefix) }
            roots.append(prefix)
        }
        return roots
    }

    /// Returns whether some file below `directory` might be included; false only when none can, so
    /// a walk may skip the folder.
    ///
    /// A negated pattern that excludes everything below the folder hides every positive pattern
    /// before it; only positive patterns after the last such one count.
    ///
    /// - Parameter directory: A folder relative to the workspace root, "" for the root itself.
    public func mayContainMatches(directory: String) -> Bool {
        var candidates = patterns[...]
        if let lastExclusion = patterns.lastIndex(where: { $0.isNegated && $0.matchesEverything(below: directory) }) {
            candidates = patterns[(lastExclusion + 1)...]
        }
        return candidates.contains { !$0.isNegated && $0.mayMatch(below: directory) }
    }

    /// Returns whether `folder` is `other` or inside it; every folder is inside the root "".
    static func isFolder(_ folder: String, inside other: String) -> Bool {
        other.isEmpty || folder == other || folder.hasPrefix(other + "/")
    }

    /// Returns whether the last segment of `path` names an editor's temporary file.
    ///
    /// Works on the UTF-8 bytes of the last segment: it runs for every input path.
    static func isEditorTemporaryFile(_ path: String) -> Bool {
        let bytes = path.utf8
        let name = bytes.lastIndex(of: UInt8(ascii: "/")).map { bytes[bytes.index(after: $0)...] } ?? bytes[...]
        func hasSuffix(_ suffix: String) -> Bool {
            name.count >= suffix.utf8.count && name.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
        }
        return hasSuffix(".swp")
            || hasSuffix(".swx")
            || hasSuffix("~")
            || name.starts(with: ".#".utf8)
            || (name.count >= 2 && name.first == UInt8(ascii: "#") && name.last == UInt8(ascii: "#"))
            || name.elementsEqual("4913".utf8)
    }
}
