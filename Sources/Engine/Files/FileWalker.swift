#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// The files a walk found, and what it skipped and why.
public struct WalkResult: Sendable, Hashable {
    /// Paths relative to the workspace root, `/`-separated, sorted by their UTF-8 bytes.
    public var paths: [String]
    /// One message for each thing skipped that the user may have meant to include.
    public var warnings: [String]

    public init(paths: [String] = [], warnings: [String] = []) {
        self.paths = paths
        self.warnings = warnings
    }
}

/// Lists the files of a workspace that a glob set includes.
///
/// The walk starts only in the set's search roots and skips folders that
/// `GlobSet.mayContainMatches(directory:)` rules out. It never enters `.git`, `.dagrun` or
/// `artifacts` at the workspace root, also not through a symbolic link. Regular files and
/// symbolic links are listed; folders are not, so an empty folder leaves no trace, and FIFOs,
/// sockets and devices are ignored.
///
/// Symbolic links depend on the set's purpose:
/// - For inputs a link is followed. A link to a file is listed under its own path (the hash
///   index hashes its target's contents). A link to a folder inside the workspace is walked under
///   the link's path. A link back to a folder that contains it is a loop: it is detected by device
///   and inode, reported and skipped. A link whose resolved target is outside the workspace, and a
///   link whose target does not exist, are reported and skipped.
/// - For artifacts a link is never followed: it is listed as a link, to be recorded and restored
///   with its target as written. Only a search root that is itself a link is followed, as for
///   inputs.
///
/// Names that are not valid UTF-8 cannot be matched or stored, so they are reported (with each
/// invalid byte as `\xNN`) and skipped, and so is everything inside such a folder.
public enum FileWalker {
    /// Walks the workspace at `root` and returns the files that `set` includes.
    ///
    /// - Parameter root: The absolute path of the workspace root.
    /// - Throws: `SystemError` when a folder cannot be listed or a file cannot be examined for a
    ///   reason other than its disappearing during the walk.
    public static func files(in root: String, matching set: GlobSet) throws(SystemError) -> WalkResult {
        var walk = try Walk(root: root, set: set)
        for searchRoot in set.searchRoots {
            try walk.walkSearchRoot(searchRoot)
        }
        var seenWarnings = Set<String>()
        return WalkResult(
            paths: walk.found.sortedByBytes(),
            warnings: walk.warnings.filter { seenWarnings.insert($0).inserted }
        )
    }
}

/// A folder's identity, which stays the same under every path that reaches it.
struct DirectoryIdentity: Hashable {
    var device: UInt64
    var inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// The state of one walk.
private struct Walk {
    let root: String
    /// `root` with every symbolic link resolved, to tell whether a link leaves the workspace.
    let resolvedRoot: String
    let set: GlobSet
    /// The folders a walk never enters: `.git`, `.dagrun` and `artifacts` at the root.
    let reservedFolders: Set<DirectoryIdentity>
    let rootIdentity: DirectoryIdentity?

    var found = Set<String>()
    var warnings: [String] = []

    static let reservedNames = [".git", ".dagrun", "artifacts"]

    init(root: String, set: GlobSet) throws(SystemError) {
        self.root = root
        self.resolvedRoot = FileOperations.resolvedRoot(root)
        self.set = set
        var reserved = Set<DirectoryIdentity>()
        for name in Self.reservedNames {
            if let info = try FileOperations.targetStatus(root + "/" + name), info.isDirectory {
                reserved.insert(DirectoryIdentity(info))
            }
        }
        self.reservedFolders = reserved
        self.rootIdentity = try FileOperations.targetStatus(root).map(DirectoryIdentity.init)
    }

    mutating func walkSearchRoot(_ searchRoot: String) throws(SystemError) {
        let ancestors = rootIdentity.map { [$0] } ?? []
        if searchRoot.isEmpty {
            try walkDirectory("", ancestors: ancestors)
            return
        }
        guard let info = try FileOperations.status(absolute(searchRoot)) else { return }
        if info.isSymbolicLink {
            try followLink(searchRoot, ancestors: ancestors)
        } else if info.isDirectory, set.mayContainMatches(directory: searchRoot) {
            // A link among the root's parent folders (`src` in `src/gen`) can lead elsewhere too.
            guard let resolved = FileOperations.resolvedPath(absolute(searchRoot)), isInsideWorkspace(resolved) else {
                warnings.append("not walking '\(searchRoot)': a symbolic link in its path leads outside the workspace")
                return
            }
            try enterDirectory(searchRoot, info: info, ancestors: ancestors)
        }
    }

    private mutating func walkDirectory(_ relative: String, ancestors: [DirectoryIdentity]) throws(SystemError) {
        let entries: [FileOperations.DirectoryEntry]
        do throws(SystemError) {
            entries = try FileOperations.entries(ofDirectory: absolute(relative))
        } catch where error.code == ENOENT || error.code == ENOTDIR {
            return  // removed while the walk ran
        }

        for entry in entries {
            guard let name = decodedFileName(entry.name) else {
                let displayed = displayPath(Array(relative.utf8) + (relative.isEmpty ? [] : [0x2f]) + entry.name)
                warnings.append("skipping '\(displayed)': its name is not valid UTF-8, so no pattern can match it")
                continue
            }
            if relative.isEmpty, Self.reservedNames.contains(name) {
                continue
            }
            let path = relative.isEmpty ? name : relative + "/" + name
            try visit(path, type: entry.type, ancestors: ancestors)
        }
    }

    private mutating func visit(_ path: String, type: UInt8, ancestors: [DirectoryIdentity]) throws(SystemError) {
        var type = type
        if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_DIR) {
            guard let info = try FileOperations.status(absolute(path)) else { return }
            type = info.directoryEntryType
            if type == UInt8(DT_DIR) {
                if set.mayContainMatches(directory: path) {
                    try enterDirectory(path, info: info, ancestors: ancestors)
                }
                return
            }
        }

        switch Int(type) {
        case Int(DT_REG):
            if set.matches(path) {
                found.insert(path)
            }
        case Int(DT_LNK):
            if set.purpose == .artifacts {
                if set.matches(path) {
                    found.insert(path)
                }
            } else {
                try followLink(path, ancestors: ancestors)
            }
        default:
            break
        }
    }

    private mutating func enterDirectory(
        _ path: String,
        info: stat,
        ancestors: [DirectoryIdentity]
    ) throws(SystemError) {
        let identity = DirectoryIdentity(info)
        if reservedFolders.contains(identity) {
            return
        }
        if ancestors.contains(identity) {
            warnings.append("skipping '\(path)': it is a symbolic link to a folder that contains it (a loop)")
            return
        }
        try walkDirectory(path, ancestors: ancestors + [identity])
    }

    /// Applies the rules for a symbolic link that is followed.
    private mutating func followLink(_ path: String, ancestors: [DirectoryIdentity]) throws(SystemError) {
        let linkPath = absolute(path)
        let mayMatchFile = set.matches(path)
        let mayMatchInside = set.mayContainMatches(directory: path)
        guard mayMatchFile || mayMatchInside else { return }

        let target = (try? FileOperations.linkTarget(linkPath)).map { displayPath($0) } ?? "?"
        guard let info = try FileOperations.targetStatus(linkPath), let resolved = FileOperations.resolvedPath(linkPath) else {
            warnings.append("skipping symbolic link '\(path)': its target '\(target)' does not exist")
            return
        }
        guard isInsideWorkspace(resolved) else {
            if (info.isDirectory && mayMatchInside) || (!info.isDirectory && mayMatchFile) {
                warnings.append(
                    "not following symbolic link '\(path)': its target '\(target)' is outside the workspace"
                )
            }
            return
        }

        if info.isDirectory {
            if mayMatchInside {
                try enterDirectory(path, info: info, ancestors: ancestors)
            }
        } else if info.isRegularFile, mayMatchFile {
            found.insert(path)
        }
    }

    /// Returns whether the fully resolved path `resolved` is the workspace root or inside it.
    private func isInsideWorkspace(_ resolved: String) -> Bool {
        resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot == "/" ? "/" : resolvedRoot + "/")
    }

    private func absolute(_ relative: String) -> String {
        relative.isEmpty ? root : root + "/" + relative
    }
}
