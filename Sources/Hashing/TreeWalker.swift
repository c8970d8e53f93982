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
        let found = try walk(under: prefixes)
        var paths: [String] = []
        paths.reserveCapacity(found.count)
        var previous: Int?
        for position in 0..<found.count {
            let index = found.index(atSortedPosition: position)
            // Overlapping prefixes list a path twice, next to each other in byte order.
            if let previous, found.withPath(previous, { old in found.withPath(index) { $0.elementsEqual(old) } }) {
                continue
            }
            paths.append(found.withPath(index) { PathEncoding.string(from: $0) })
            previous = index
        }
        return paths
    }

    /// Lists the raw paths under `prefixes`, sorted, with duplicates when prefixes overlap.
    ///
    /// Each folder's entries are sorted by name with a "/" after each folder's name, and the
    /// walk goes depth first in that order, so a single prefix comes out in byte order of the
    /// whole paths without sorting them.
    func walk(under prefixes: [String]) throws(HashingError) -> PathList {
        var found = PathList()
        for prefix in prefixes {
            let relative = PathEncoding.bytes(of: prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix)
            if relative.isEmpty {
                try list([], into: &found)
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
                try list(relative, into: &found)
            } else if let status, status.isRegularFile || status.isSymbolicLink {
                found.append(folder: [], name: relative)
            }
        }
        found.sort()
        return found
    }

    private func path(of relative: [UInt8]) -> String {
        relative.isEmpty ? root : root + "/" + PathEncoding.string(from: relative)
    }

    private static let skippedRootNameBytes = skippedRootNames.map { Array($0.utf8) }

    /// Lists one folder and, depth first, its subfolders, appending their files to `found`.
    private func list(_ folder: [UInt8], into found: inout PathList) throws(HashingError) {
        let absolute = absolutePath(PathEncoding.bytes(of: root), folder)
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

        // Names end to end; a folder's name keeps a "/" at its end, so that it sorts as its
        // files' paths do.
        var names: [UInt8] = []
        var entries: [(start: Int, count: Int)] = []
        while let entry = readdir(stream) {
            withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let name = UnsafeRawBufferPointer(rebasing: raw.prefix { $0 != 0 })
                if name.elementsEqual([UInt8(ascii: ".")]) || name.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                    return
                }
                if folder.isEmpty, Self.skippedRootNameBytes.contains(where: { name.elementsEqual($0) }) {
                    return
                }
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) {
                    type = Self.entryType(in: dirfd(stream), name: raw.baseAddress!)
                }
                guard type == Int32(DT_DIR) || type == Int32(DT_REG) || type == Int32(DT_LNK) else { return }
                let isFolder = type == Int32(DT_DIR)
                entries.append((names.count, name.count + (isFolder ? 1 : 0)))
                names.append(contentsOf: name)
                if isFolder {
                    names.append(UInt8(ascii: "/"))
                }
            }
        }
        closedir(stream)

        names.withUnsafeBytes { all in
            entries.sort { first, second in
                compareBytes(UnsafeRawBufferPointer(rebasing: all[first.start..<first.start + first.count]), all.baseAddress! + second.start, second.count) < 0
            }
        }
        for entry in entries {
            let name = names[entry.start..<entry.start + entry.count]
            if name.last == UInt8(ascii: "/") {
                var subfolder = folder
                if !subfolder.isEmpty {
                    subfolder.append(UInt8(ascii: "/"))
                }
                subfolder.append(contentsOf: name.dropLast())
                try list(subfolder, into: &found)
            } else {
                found.append(folder: folder, name: name)
            }
        }
    }

    /// Stats an entry whose type `readdir` did not report, as some file systems do.
    private static func entryType(in folder: Int32, name: UnsafeRawPointer) -> Int32 {
        var status = stat()
        guard fstatat(folder, name.assumingMemoryBound(to: CChar.self), &status, AT_SYMLINK_NOFOLLOW) == 0 else {
            return Int32(DT_UNKNOWN)
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return Int32(DT_DIR)
        case S_IFREG: return Int32(DT_REG)
        case S_IFLNK: return Int32(DT_LNK)
        default: return Int32(DT_UNKNOWN)
        }
    }
}
