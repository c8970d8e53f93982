import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Hashing

/// The POSIX file calls that the walker, the cache and the artifact store share.
///
/// Every call retries `EINTR` and throws `SystemError` naming the call and the path. Paths are
/// passed to the C library as UTF-8; names that are not valid UTF-8 never reach these helpers,
/// because the walker reports and skips them.
enum FileOperations {
    /// One name in a directory listing, with the type that `readdir` reported.
    struct DirectoryEntry {
        /// The name's raw bytes, which need not be valid UTF-8.
        var name: [UInt8]
        /// `DT_DIR`, `DT_REG`, `DT_LNK`, or `DT_UNKNOWN` on file systems that do not report the type.
        var type: UInt8
    }

    /// Returns the `lstat` data of `path`, or nil when nothing is there.
    static func status(_ path: String) throws(SystemError) -> stat? {
        var info = stat()
        do throws(SystemError) {
            try retryingInterrupts("lstat", subject: path) { lstat(path, &info) }
        } catch where error.code == ENOENT || error.code == ENOTDIR {
            return nil
        }
        return info
    }

    /// Returns the `stat` data of what `path` points to, or nil when the link dangles or loops.
    static func targetStatus(_ path: String) throws(SystemError) -> stat? {
        var info = stat()
        do throws(SystemError) {
            try retryingInterrupts("stat", subject: path) { stat(path, &info) }
        } catch where error.code == ENOENT || error.code == ENOTDIR || error.code == ELOOP {
            return nil
        }
        return info
    }

    /// Returns the names in the directory at `path`, without `.` and `..`, in `readdir` order.
    static func entries(ofDirectory path: String) throws(SystemError) -> [DirectoryEntry] {
        guard let directory = opendir(path) else {
            throw SystemError(call: "opendir", subject: path, code: errno)
        }
        defer { closedir(directory) }

        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 {
                    throw SystemError(call: "readdir", subject: path, code: errno)
                }
                return entries
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name == [0x2e] || name == [0x2e, 0x2e] {
                continue
            }
            entries.append(DirectoryEntry(name: name, type: entry.pointee.d_type))
        }
    }

    /// Lists the files one level below the two-character folders in `directory`, the layout of
    /// the blob store and the action cache, with their sizes in bytes.
    ///
    /// Other folders, and names that are not UTF-8, are ignored. A missing `directory` is empty.
    static func shardedFiles(in directory: String) throws(SystemError) -> [(name: String, path: String, size: Int64)] {
        guard try status(directory) != nil else { return [] }
        var files: [(name: String, path: String, size: Int64)] = []
        for folder in try entries(ofDirectory: directory) {
            guard let folderName = decodedFileName(folder.name), folderName.utf8.count == 2 else { continue }
            let folderPath = directory + "/" + folderName
            guard let info = try status(folderPath), info.isDirectory else { continue }

            for file in try entries(ofDirectory: folderPath) {
                guard let name = decodedFileName(file.name) else { continue }
                if let info = try status(folderPath + "/" + name), info.isRegularFile {
                    files.append((name, folderPath + "/" + name, Int64(info.st_size)))
                }
            }
        }
        return files
    }

    /// Returns the target of the symbolic link at `path`, as its raw bytes.
    static func linkTarget(_ path: String) throws(SystemError) -> [UInt8] {
        var capacity = 256
        while true {
            var buffer = [UInt8](repeating: 0, count: capacity)
            let count = try retryingInterrupts("readlink", subject: path) {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    pointer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: capacity) {
                        readlink(path, $0, capacity)
                    }
                }
            }
            if count < capacity {
                return Array(buffer.prefix(count))
            }
            capacity *= 4
        }
    }

    /// Resolved workspace roots, by the path they were given as. A root does not move while
    /// dagrun runs, and resolving it costs a `readlink` per path component on every walk.
    private static let resolvedRoots = Mutex<[String: String]>([:])

    /// Returns the workspace root `root` with every symbolic link resolved, or `root` itself when
    /// it cannot be resolved; remembered for the life of the process.
    static func resolvedRoot(_ root: String) -> String {
        if let known = resolvedRoots.withLock({ $0[root] }) {
            return known
        }
        let resolved = resolvedPath(root) ?? root
        resolvedRoots.withLock { $0[root] = resolved }
        return resolved
    }

    /// Returns `path` with every symbolic link resolved, or nil when it cannot be resolved.
    static func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Creates the folder at `path` and any missing parents; an existing folder is fine.
    static func createDirectories(_ path: String, mode: mode_t = 0o755) throws(SystemError) {
        if let info = try status(path), info.isDirectory {
            return
        }
        let parent = parentPath(of: path)
        if !parent.isEmpty, parent != path {
            try createDirectories(parent, mode: mode)
        }
        do throws(SystemError) {
            try retryingInterrupts("mkdir", subject: path) { mkdir(path, mode) }
        } catch where error.code == EEXIST {
            return
        }
    }

    /// Removes `path` and, for a folder, everything in it; symbolic links are removed, not followed.
    static func removeTree(_ path: String) throws(SystemError) {
        guard let info = try status(path) else { return }
        if info.isDirectory {
            for entry in try entries(ofDirectory: path) {
                // Names that are not UTF-8 cannot be spelled as a String path, so remove them by
                // descriptor-relative calls instead.
                if let name = decodedFileName(entry.name) {
                    try removeTree(path + "/" + name)
                } else {
                    try removeRawEntry(entry.name, in: path)
                }
            }
            try retryingInterrupts("rmdir", subject: path) { rmdir(path) }
        } else {
            try retryingInterrupts("unlink", subject: path) { unlink(path) }
        }
    }

    /// Renames `source` to `destination`, replacing a file or an empty folder there.
    static func rename(_ source: String, to destination: String) throws(SystemError) {
        try retryingInterrupts("rename", subject: "\(source) -> \(destination)") {
            Glibc.rename(source, destination)
        }
    }

    /// Returns the folder part of `path`: everything before the last `/`, or "" when there is none.
    static func parentPath(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex {
            return "/"
        }
        return String(path[..<slash])
    }

    /// Returns a name suffix that no other process or call is likely to use at the same time.
    static func uniqueSuffix() -> String {
        "\(getpid())-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    private static func removeRawEntry(_ name: [UInt8], in folder: String) throws(SystemError) {
        let descriptor = try retryingInterrupts("open", subject: folder) {
            open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        defer { close(descriptor) }
        let nameCString = name.map { CChar(bitPattern: $0) } + [0]
        do throws(SystemError) {
            try retryingInterrupts("unlinkat", subject: folder + "/" + displayPath(name)) {
                unlinkat(descriptor, nameCString, 0)
            }
        } catch where error.code == EISDIR {
            // NOTE: a folder whose name is not UTF-8 is removed only when it is empty.
            try retryingInterrupts("unlinkat", subject: folder + "/" + displayPath(name)) {
                unlinkat(descriptor, nameCString, AT_REMOVEDIR)
            }
        }
    }
}

extension stat {
    var isDirectory: Bool { st_mode & S_IFMT == S_IFDIR }
    var isSymbolicLink: Bool { st_mode & S_IFMT == S_IFLNK }
    var isRegularFile: Bool { st_mode & S_IFMT == S_IFREG }

    /// The `DT_*` constant that `readdir` would report for this file's type.
    var directoryEntryType: UInt8 {
        switch st_mode & S_IFMT {
        case S_IFDIR: UInt8(DT_DIR)
        case S_IFREG: UInt8(DT_REG)
        case S_IFLNK: UInt8(DT_LNK)
        default: UInt8(DT_UNKNOWN)
        }
    }
}
