/// Which paths of the workspace the watcher reports, and which folders it watches to see them.
///
/// Paths are relative to the workspace root, with `/` between components; `""` is the root itself.
/// A path is *covered* when it is one of the prefixes or lies below one. A folder is *on the way*
/// when it is a proper ancestor of a prefix. It is watched only to see the next folder toward the
/// prefix appear, so changes to its other entries are not reported.
///
/// `.git`, `.dagrun` and `artifacts` at the root, and the extra ignored paths with everything
/// below them, are never watched or reported.
public struct WatchScope: Hashable, Sendable {
    /// The folders or files whose trees are reported, without duplicates or `/` at either end.
    public let prefixes: [String]
    /// Paths dagrun itself writes, never reported; a folder here hides everything below it.
    public let ignoredPaths: Set<String>

    /// The root entries that belong to git and to dagrun's own state and output.
    public static let ignoredRootNames: Set<String> = [".git", ".dagrun", "artifacts"]

    /// Creates a scope from the literal prefixes of the input globs and the paths to ignore.
    public init(prefixes: [String], ignoredPaths: [String] = []) {
        var unique: [String] = []
        for prefix in prefixes.map(Self.normalized) where !unique.contains(prefix) {
            unique.append(prefix)
        }
        self.prefixes = unique
        self.ignoredPaths = Set(ignoredPaths.map(Self.normalized))
    }

    /// Creates a scope covering what the input globs `patterns` can match.
    ///
    /// Negated patterns (`!…`) only narrow a match, so they add nothing to watch.
    public init(inputPatterns patterns: [String], ignoredPaths: [String] = []) {
        self.init(prefixes: patterns.compactMap(Self.literalPrefix(of:)), ignoredPaths: ignoredPaths)
    }

    /// Returns the leading components of `pattern` that contain no wildcard, joined by `/`; nil for a
    /// negated pattern.
    ///
    /// `src/**/*.c` gives `src`, `*.c` gives `""` (the whole workspace), and a pattern without
    /// wildcards such as `config/app.yml` gives itself. A backslash counts as a wildcard, because
    /// the escaped character it introduces may be one.
    public static func literalPrefix(of pattern: String) -> String? {
        guard !pattern.hasPrefix("!") else {
            return nil
        }
        let wildcards: Set<Character> = ["*", "?", "[", "{", "\\"]
        var literal: [Substring] = []
        for component in pattern.split(separator: "/", omittingEmptySubsequences: true) {
            if component.contains(where: wildcards.contains) {
                break
            }
            if component != "." {
                literal.append(component)
            }
        }
        return literal.joined(separator: "/")
    }

    // MARK: Questions about a path

    /// Returns whether `path` is a root entry of git or dagrun, or an extra ignored path or below one.
    public func isIgnored(_ path: String) -> Bool {
        if path.isEmpty {
            return false
        }
        let first = path.split(separator: "/", maxSplits: 1).first.map(String.init) ?? path
        if Self.ignoredRootNames.contains(first) {
            return true
        }
        if ignoredPaths.contains(path) {
            return true
        }
        return ignoredPaths.contains { path.hasPrefix($0 + "/") }
    }

    /// Returns whether changes to `path` are reported: it is a prefix or below one, and not ignored.
    public func covers(_ path: String) -> Bool {
        guard !isIgnored(path) else {
            return false
        }
        return prefixes.contains { Self.isPath(path, atOrBelow: $0) }
    }

    /// Returns whether the folder at `path` needs a watch: it is covered, or on the way to a prefix.
    public func needsWatch(folder path: String) -> Bool {
        guard !isIgnored(path) else {
            return false
        }
        if covers(path) {
            return true
        }
        return prefixes.contains { path.isEmpty || $0.hasPrefix(path + "/") }
    }

    /// The covered trees' tops: the prefixes no other prefix contains, for a full scan.
    public var topPrefixes: [String] {
        prefixes.filter { prefix in
            !prefixes.contains { $0 != prefix && Self.isPath(prefix, atOrBelow: $0) }
        }
    }

    /// Returns `name` inside `folder`, the root being `""`.
    public static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder + "/" + name
    }

    static func isPath(_ path: String, atOrBelow ancestor: String) -> Bool {
        ancestor.isEmpty || path == ancestor || path.hasPrefix(ancestor + "/")
    }

    private static func normalized(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true)
            .filter { $0 != "." }
            .joined(separator: "/")
    }
}
