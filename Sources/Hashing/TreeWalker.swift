#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// Lists the regular files and symbolic links under folders of a root, for tree hashing.
///
/// The walk reads each folder once with `readdir`, uses `d_type` to avoid a stat per entry, and
/// skips `.git`, `.dagrun` and `artifacts` at the root. The folders of each depth are listed
/// in parallel (see `TreeScan`). It does not descend into symbolic links
/// to folders: it lists the link itself, which `HashIndex` records by its target path. Input
/// globs, with their own link rules, are matched elsewhere; this walker serves the tree hash and
/// its benchmark.
public struct TreeWalker: Sendable {
    /// Names skipped at the root: version control, dagrun's state and collected artifacts.
    public static let skippedRootNames: Set<String> = [".git", ".dagrun", "artifacts"]

    /// The folder that relative paths start from.
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// Returns the paths, relative to `root`, of the files and symbolic links under each of
    /// `prefixes`, without duplicates, sorted by their bytes.
    ///
    /// A prefix is a relative folder or file path, "" for the root. A prefix that does not
    /// exist contributes nothing. Names that are not valid UTF-8 are carried as `PathEncoding`
    /// describes.
    /// - Throws: `HashingError.unreadableDirectory` when a folder cannot be listed.
    public func files(under prefixes: [String] = [""]) throws(HashingError) -> [String] {
        try walk(under: prefixes).strings()
    }

    /// Lists the raw paths under `prefixes`, sorted by bytes and without duplicates.
    func walk(under prefixes: [String]) throws(HashingError) -> PathList {
        try TreeScan(root: root, observesFiles: false).scan(under: prefixes).paths
    }
}
