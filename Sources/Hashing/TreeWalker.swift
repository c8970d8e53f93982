#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// Lists the regular files and symbolic links under folders of a root, for tree hashing.
///
/// The walk reads each folder once with `readdir`, uses `d_type` to avoid a stat per entry, and
/// skips `.git`, `.dagrun` and `artifacts` at the root. It does not descend into symbolic links
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
        var found: [[UInt8]] = []
        var pending: [[UInt8]] = []
        for prefix in prefixes {
            let relative = PathEncoding.bytes(of: prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix)
            if relative.isEmpty {
                pending.append([])
                continue
            }
            let status = try PathEncoding.withCString(path(of: relative)) { (cPath) throws(HashingError) in
                do throws(SystemError) {
                    return try FileSystem.linkStatus(cPath, displayPath: PathEncoding.string(from: relative))
                } catch {
                    throw .unreadableDirectory(path: PathEncoding.string(from: relative), cause: error)
                }
            }
            if let status, status.isDirectory {
                pending.append(relative)
            } else if let status, status.isRegularFile || status.isSymbolicLink {
                found.append(relative)
            }
        }
        while let folder = pending.popLast() {
            try list(folder, files: &found, folders: &pending)
        }
        found.sort { $0.lexicographicallyPrecedes($1) }
        var paths: [String] = []
        paths.reserveCapacity(found.count)
        var previous: [UInt8]? = nil
        for bytes in found where bytes != previous {
            paths.append(PathEncoding.string(from: bytes))
            previous = bytes
        }
        return paths
    }

    private func path(of relative: [UInt8]) -> String {
        relative.isEmpty ? root : root + "/" + PathEncoding.string(from: relative)
    }

    /// Reads one folder, appending its files to `files` and its subfolders to `folders`.
    private func list(_ folder: [UInt8], files: inout [[UInt8]], folders: inout [[UInt8]]) throws(HashingError) {
        var absolute = PathEncoding.bytes(of: root)
        if !folder.isEmpty {
            absolute.append(UInt8(ascii: "/"))
            absolute.append(contentsOf: folder)
        }
        absolute.append(0)
        let stream = absolute.withUnsafeBufferPointer { buffer in
            opendir(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
        guard let stream else {
            let code = errno
            // A folder removed since its parent was read contributes nothing.
            if code == ENOENT || code == ENOTDIR {
                return
            }
            let display = PathEncoding.string(from: folder)
            throw .unreadableDirectory(path: display, cause: SystemError(call: "opendir", subject: display, code: code))
        }
        defer { closedir(stream) }

        while let entry = readdir(stream) {
            var name = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] {
                continue
            }
            if folder.isEmpty, Self.skippedRootNames.contains(PathEncoding.string(from: name)) {
                continue
            }
            var relative = folder
            if !relative.isEmpty {
                relative.append(UInt8(ascii: "/"))
            }
            relative.append(contentsOf: name)
            name.removeAll()

            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                type = entryType(relative: relative)
            }
            switch type {
            case Int32(DT_DIR): folders.append(relative)
            case Int32(DT_REG), Int32(DT_LNK): files.append(relative)
            default: break
            }
        }
    }

    /// Stats an entry whose type `readdir` did not report, as some file systems do.
    private func entryType(relative: [UInt8]) -> Int32 {
        var full = PathEncoding.bytes(of: root)
        full.append(UInt8(ascii: "/"))
        full.append(contentsOf: relative)
        full.append(0)
        var status = stat()
        let result = full.withUnsafeBufferPointer { buffer in
            lstat(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), &status)
        }
        guard result == 0 else { return Int32(DT_UNKNOWN) }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return Int32(DT_DIR)
        case S_IFREG: return Int32(DT_REG)
        case S_IFLNK: return Int32(DT_LNK)
        default: return Int32(DT_UNKNOWN)
        }
    }
}
