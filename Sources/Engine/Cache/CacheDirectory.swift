// The cache directory contains what can be shared between workspaces and thrown away at any time:
//
//     <cache>/blobs/ab/abcd…ef       artifact file contents, named by their SHA-256 (64 hex digits),
//                                    under a folder named by the first two digits
//     <cache>/actions/ab/abcd…ef.json  action cache entries, named by the cache key's digest
//     <cache>/tmp/                   files being written; each is renamed into place when complete
//
// Every file is written under tmp/ and renamed into place, so a reader sees a whole file or none.
// Temporary files live inside the cache directory so that the rename stays on one file system.
// The per-workspace run records (`<root>/.dagrun/state/`) are not part of the cache.

/// The location of the blob store and the action cache.
public struct CacheDirectory: Sendable, Hashable {
    /// The absolute path of the cache directory, without a trailing slash.
    public let path: String

    /// The environment variable that moves the cache directory.
    public static let environmentVariable = "DAGRUN_CACHE_DIR"

    public init(path: String) {
        var path = path
        while path.count > 1, path.hasSuffix("/") {
            path.removeLast()
        }
        self.path = path
    }

    /// Chooses the cache directory: `option` (`--cache-dir`) first, then `DAGRUN_CACHE_DIR` from
    /// `environment`, then `<root>/.dagrun/cache`. Empty values count as unset.
    public init(root: String, option: String? = nil, environment: [String: String] = [:]) {
        if let option, !option.isEmpty {
            self.init(path: option)
        } else if let variable = environment[Self.environmentVariable], !variable.isEmpty {
            self.init(path: variable)
        } else {
            self.init(path: root + "/.dagrun/cache")
        }
    }

    var blobs: String { path + "/blobs" }
    var actions: String { path + "/actions" }
    var temporary: String { path + "/tmp" }
}
