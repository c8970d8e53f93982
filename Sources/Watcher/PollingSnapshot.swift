#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The `lstat` data of every covered file, for the polling fallback that replaces inotify when the
/// watch limit is reached.
///
/// Polling walks the covered trees on every tick, so it costs CPU time and disk reads in
/// proportion to the number of files even while nothing changes, and it finds a change only at the
/// next tick.
struct PollingSnapshot: Equatable, Sendable {
    /// The fields whose change counts as a change of the file.
    struct FileStatus: Equatable, Sendable {
        var size: Int64
        var modificationSeconds: Int
        var modificationNanoseconds: Int
        var changeSeconds: Int
        var changeNanoseconds: Int
        var inode: UInt64
        var mode: UInt32

        init(_ status: stat) {
            size = Int64(status.st_size)
            modificationSeconds = Int(status.st_mtim.tv_sec)
            modificationNanoseconds = Int(status.st_mtim.tv_nsec)
            changeSeconds = Int(status.st_ctim.tv_sec)
            changeNanoseconds = Int(status.st_ctim.tv_nsec)
            inode = UInt64(status.st_ino)
            mode = UInt32(status.st_mode)
        }

        init(size: Int64, modificationSeconds: Int, changeSeconds: Int, inode: UInt64, mode: UInt32) {
            self.size = size
            self.modificationSeconds = modificationSeconds
            self.modificationNanoseconds = 0
            self.changeSeconds = changeSeconds
            self.changeNanoseconds = 0
            self.inode = inode
            self.mode = mode
        }
    }

    /// The covered files by path relative to the workspace root.
    var files: [String: FileStatus] = [:]

    /// Walks the covered trees of `scope` under `workspace`, without following symbolic links.
    ///
    /// Entries that vanish during the walk, or that cannot be listed, are left out.
    static func scan(workspace: String, scope: WatchScope) -> PollingSnapshot {
        var snapshot = PollingSnapshot()
        for prefix in scope.topPrefixes where !scope.isIgnored(prefix) {
            snapshot.add(prefix, workspace: workspace, scope: scope)
        }
        return snapshot
    }

    private mutating func add(_ path: String, workspace: String, scope: WatchScope) {
        let absolute = path.isEmpty ? workspace : workspace + "/" + path
        guard let status = DirectoryListing.status(of: absolute) else {
            return
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            if !path.isEmpty {
                files[path] = FileStatus(status)
            }
            return
        }
        guard let entries = try? DirectoryListing.entries(at: absolute) else {
            return
        }
        for entry in entries {
            let child = WatchScope.join(path, entry.name)
            if !scope.isIgnored(child) {
                add(child, workspace: workspace, scope: scope)
            }
        }
    }

    /// Returns the changes from `old` to `new`, sorted by path.
    ///
    /// A new path is `created` and a missing one `deleted`. A different size, modification time or
    /// inode is `modified`, and a different mode or change time alone is `attributes`.
    static func changes(from old: PollingSnapshot, to new: PollingSnapshot) -> [FileChange] {
        var changes: [FileChange] = []
        for (path, status) in new.files {
            guard let previous = old.files[path] else {
                changes.append(FileChange(path: path, kinds: .created))
                continue
            }
            if previous.size != status.size
                || previous.modificationSeconds != status.modificationSeconds
                || previous.modificationNanoseconds != status.modificationNanoseconds
                || previous.inode != status.inode {
                changes.append(FileChange(path: path, kinds: .modified))
            } else if previous != status {
                changes.append(FileChange(path: path, kinds: .attributes))
            }
        }
        for path in old.files.keys where new.files[path] == nil {
            changes.append(FileChange(path: path, kinds: .deleted))
        }
        return changes.sorted { $0.path < $1.path }
    }
}
