#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// A walk of a tree that stats each file while its folder is open, with the folders of each
/// depth listed in parallel on all cores.
///
/// It lists what `TreeWalker` lists, with the same rules: the skipped names at the root, and
/// links listed but never descended into. It observes each path as `PathObserver` does, with
/// `fstatat` on the name relative to the open folder, and for a symbolic link the per-path
/// calls of `PathObserver.observe(_:displayPath:)`. So one pass replaces a walk followed by a
/// second lookup of every path. The listings are joined depth first at the end, which yields
/// the byte order of the whole paths.
struct TreeScan {
    /// The paths of a scan, sorted by bytes and without duplicates, so that a path's index is
    /// its sorted position, and the observation of each.
    struct Scanned: Sendable {
        var paths: PathList
        var observations: [Observation]
        /// Every folder that was read or whose stored listing was reused, in no set order.
        var folders: [FolderListing] = []
    }

    let root: String
    /// Whether to observe the files, or only to list them, as `TreeWalker` does. Without
    /// observations, `Scanned.observations` is empty.
    var observesFiles = true
    /// Whether to stat regular files, or to observe them as `.unobserved`, when the index has
    /// no entries to compare them with and every file is read anyway.
    var statsFiles = true
    /// The listings the hash index stored, by folder path, to reuse for folders whose stat
    /// data is unchanged (see `StoredFolder`).
    var storedFolders: [[UInt8]: StoredFolder] = [:]
    /// The device on which stored listings may be reused, from `FolderStamp.trustedDevice(of:)`.
    var trustedDevice: UInt64?

    /// Scans the files and symbolic links under each of `prefixes`, as
    /// `TreeWalker.files(under:)` does.
    /// - Throws: `HashingError.unreadableDirectory` when a folder cannot be listed.
    func scan(under prefixes: [String]) throws(HashingError) -> Scanned {
        let rootBytes = PathEncoding.bytes(of: root)
        var starts: [Start] = []
        for prefix in prefixes {
            let relative = PathEncoding.bytes(of: prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix)
            if let start = try start(at: relative, rootBytes: rootBytes) {
                starts.append(start)
            }
        }

        // Breadth first: each depth's folders are listed in parallel, and a listing's subfolders
        // make up a contiguous run of the next depth, starting at its `firstChild`.
        var depths: [[FolderListing]] = []
        var folders = starts.compactMap { start -> [UInt8]? in
            if case .folder(let path) = start { path } else { nil }
        }
        while !folders.isEmpty {
            let current = folders
            let outcomes = ParallelWork.map(count: current.count, minimumParallelCount: 2, makeContext: {}) { index, _ in
                Swift.Result { () throws(HashingError) in
                    try FolderListing(
                        root: rootBytes,
                        path: current[index],
                        observesFiles: observesFiles,
                        statsFiles: statsFiles,
                        stored: storedFolders[current[index]],
                        trustedDevice: trustedDevice
                    )
                }
            }
            var listings: [FolderListing] = []
            listings.reserveCapacity(outcomes.count)
            folders = []
            for outcome in outcomes {
                var listing = try outcome.get()
                listing.firstChild = folders.count
                folders.append(contentsOf: listing.subfolderPaths())
                listings.append(listing)
            }
            depths.append(listings)
        }

        var paths = PathList()
        var observations: [Observation] = []
        observations.reserveCapacity(depths.reduce(0) { $0 + $1.reduce(0) { $0 + $1.observations.count } })
        var nextFolder = 0
        for start in starts {
            switch start {
            case .file(let path, let observation):
                paths.append(folder: [], name: path)
                if let observation {
                    observations.append(observation)
                }
            case .folder:
                Self.join(&depths, depth: 0, index: nextFolder, into: &paths, &observations)
                nextFolder += 1
            }
        }
        var (scanned, keptIndices) = Self.sortedUnique(Scanned(paths: paths, observations: observations), prefixCount: starts.count)
        if observesFiles {
            scanned.folders = depths.joined().filter { $0.stamp != nil }
            if !keptIndices {
                // The indices that `join` noted refer to paths that sorting replaced.
                for index in scanned.folders.indices {
                    scanned.folders[index].fileIndices = []
                }
            }
        }
        return scanned
    }

    /// A prefix to scan: a folder, or a file observed on its own.
    private enum Start {
        case folder([UInt8])
        case file([UInt8], Observation?)
    }

    private func start(at relative: [UInt8], rootBytes: [UInt8]) throws(HashingError) -> Start? {
        if relative.isEmpty {
            return .folder([])
        }
        let absolute = absolutePath(rootBytes, relative)
        let display = PathEncoding.string(from: relative)
        let status = try absolute.withUnsafeBufferPointer { (buffer) throws(HashingError) in
            do throws(SystemError) {
                return try FileSystem.linkStatus(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), displayPath: display)
            } catch {
                throw .unreadableDirectory(path: display, cause: error)
            }
        }
        guard let status else { return nil }
        if status.isDirectory {
            return .folder(relative)
        }
        if status.isRegularFile {
            return .file(relative, observesFiles ? .file(status) : nil)
        }
        if status.isSymbolicLink {
            return .file(relative, observesFiles ? PathObserver.observe(absolute, displayPath: display) : nil)
        }
        return nil
    }

    /// Appends the files of listing `index` at `depth` and, in their place among its entries,
    /// those of its subfolders, and notes in each listing the index in `paths` of its files.
    private static func join(_ depths: inout [[FolderListing]], depth: Int, index: Int, into paths: inout PathList, _ observations: inout [Observation]) {
        let listing = depths[depth][index]
        var child = listing.firstChild
        var file = 0
        listing.names.withUnsafeBufferPointer { names in
            for entry in listing.entries {
                if entry.isFolder {
                    join(&depths, depth: depth + 1, index: child, into: &paths, &observations)
                    child += 1
                } else {
                    depths[depth][index].fileIndices.append(Int32(truncatingIfNeeded: paths.count))
                    paths.append(folder: listing.path, name: UnsafeBufferPointer(rebasing: names[entry.nameRange]))
                    if !listing.observations.isEmpty {
                        observations.append(listing.observations[file])
                        file += 1
                    }
                }
            }
        }
    }

    /// Sorts the paths of overlapping or unordered prefixes and drops repeated ones. Returns
    /// whether each path kept its index. A single prefix's paths come out of `join` already
    /// sorted and unique.
    private static func sortedUnique(_ scanned: Scanned, prefixCount: Int) -> (Scanned, keptIndices: Bool) {
        var paths = scanned.paths
        paths.sort()
        if prefixCount <= 1 && paths.isInAppendOrder {
            return (scanned, true)
        }
        var unique = PathList()
        var observations: [Observation] = []
        var previous: Int?
        for position in 0..<paths.count {
            let index = paths.index(atSortedPosition: position)
            if let previous, paths.withPath(previous, { old in paths.withPath(index) { $0.elementsEqual(old) } }) {
                continue
            }
            paths.withPath(index) { unique.append(folder: [], name: $0) }
            if !scanned.observations.isEmpty {
                observations.append(scanned.observations[index])
            }
            previous = index
        }
        return (Scanned(paths: unique, observations: observations), false)
    }
}
