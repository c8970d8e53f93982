/// The folders dagrun uses in a workspace, all derived from its root.
///
/// State lives in `.dagrun/` under the root: the hash index, logs, per-job state and, unless
/// moved by `--cache-dir` or `DAGRUN_CACHE_DIR`, the cache. Collected artifacts go to
/// `artifacts/<job>/` under the root.
public struct Workspace: Sendable {
    /// The absolute path of the folder that contains the workflow file.
    public let root: String
    /// `.dagrun` under the root.
    public let stateDirectory: String
    /// The blob store and action cache; `.dagrun/cache` unless moved.
    public let cacheDirectory: String

    public init(root: String, cacheDirectory: String? = nil) {
        self.root = root
        self.stateDirectory = root + "/.dagrun"
        self.cacheDirectory = cacheDirectory ?? root + "/.dagrun/cache"
    }

    /// The SQLite hash index.
    public var indexPath: String { stateDirectory + "/index.db" }
    /// Each job's log of its last run, as `<job>.log`.
    public var logDirectory: String { stateDirectory + "/logs" }
    /// Each job's last-run record.
    public var jobStateDirectory: String { stateDirectory + "/state" }
    /// The lock file that `run` and `watch` hold.
    public var lockPath: String { stateDirectory + "/lock" }
    /// The parent of every `artifacts/<job>/` folder.
    public var artifactsDirectory: String { root + "/artifacts" }

    /// Returns the folder that contains `job`'s collected artifacts.
    public func artifactsDirectory(for job: Job.Name) -> String {
        artifactsDirectory + "/" + job.rawValue
    }

    /// Returns `path` relative to the root when it lies inside it, otherwise unchanged.
    public func relativePath(_ path: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}
