#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// Folder listing and `lstat`, as the watcher and the polling fallback need them.
enum DirectoryListing {
    /// Returns the entries of the folder at `path`, without `.` and `..`, in no particular order.
    ///
    /// Symbolic links are entries that are not folders, whatever they point to, so the watcher
    /// never follows a link out of the workspace.
    ///
    /// NOTE: a folder reached through a symbolic link inside the workspace can hold inputs, but no
    /// watch is added inside it, so changes there are not seen in watch mode.
    ///
    /// - Throws: `SystemError` from `opendir`, such as `ENOENT` when the folder is gone.
    static func entries(at path: String) throws(SystemError) -> [WatchTree.Entry] {
        guard let stream = opendir(path) else {
            throw SystemError(call: "opendir", subject: path, code: errno)
        }
        defer { closedir(stream) }
        var entries: [WatchTree.Entry] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." {
                continue
            }
            let isDirectory: Bool
            switch Int(entry.pointee.d_type) {
            case DT_DIR:
                isDirectory = true
            case DT_UNKNOWN:
                // Some file systems leave the type out of the listing.
                isDirectory = status(of: path + "/" + name).map { $0.st_mode & S_IFMT == S_IFDIR } ?? false
            default:
                isDirectory = false
            }
            entries.append(WatchTree.Entry(name: name, isDirectory: isDirectory))
        }
        return entries
    }

    /// Returns `lstat` of `path`, or nil when it fails (the entry is gone, or access is denied).
    static func status(of path: String) -> stat? {
        var result = stat()
        guard lstat(path, &result) == 0 else {
            return nil
        }
        return result
    }
}
