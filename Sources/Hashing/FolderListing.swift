#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// One folder's files and subfolders, sorted by name with a "/" after each folder's name, and
/// the observation of each file, taken while the folder was open.
///
/// The "/" makes a folder sort where its files' whole paths do ("a.txt" before "a/b"), so a
/// depth-first join of sorted listings yields paths in byte order.
struct FolderListing: Sendable {
    struct Entry: Sendable {
        /// The offset of the name in `names`.
        var nameStart: Int32
        /// The name's length, without the "/" that follows a folder's name.
        var nameCount: Int32
        var isFolder: Bool
        /// Whether `readdir` reported a symbolic link; false for entries of a stored listing.
        var isLink = false

        var nameRange: Range<Int> { Int(nameStart)..<Int(nameStart + nameCount) }
    }

    /// The folder's path relative to the root, "" for the root.
    let path: [UInt8]
    /// The names end to end, each followed by "/" for a folder, then by a NUL for `fstatat`.
    private(set) var names: [UInt8] = []
    private(set) var entries: [Entry] = []
    /// The observation of each file entry, in the order of `entries`; empty when the listing
    /// was made without observing.
    private(set) var observations: [Observation] = []
    /// The index of the first subfolder's listing in the listings of the next depth.
    var firstChild = 0
    /// The folder's stat data from just before `readdir`, or the stored stat data it matched
    /// when the listing was reused. Nil when nothing could be listed.
    private(set) var stamp: FolderStamp?
    /// Whether the entries came from a stored listing instead of `readdir`.
    private(set) var isReused = false
    /// The index in the scan's `PathList` of each file entry, in order, as `TreeScan` joined
    /// them; empty when the scan sorted its paths anew.
    var fileIndices: [Int32] = []

    /// Lists the folder at `path` under the absolute folder `root`, and observes its files
    /// when `observesFiles` is true.
    ///
    /// `stored` is the listing the hash index kept for this folder, and `trustedDevice` the
    /// device whose folder times can be trusted (see `StoredFolder`). A folder whose stat data
    /// still matches is not read, and its files are observed by their stored names. A stored
    /// name that is gone or has become a folder means the folder changed after all, so it is read.
    ///
    /// A folder that no longer exists (`ENOENT` or `ENOTDIR`) lists nothing. Names of
    /// `TreeWalker.skippedRootNames` are left out at the root, and entries that are neither
    /// files, folders nor symbolic links are left out everywhere.
    /// - Throws: `HashingError.unreadableDirectory` when `opendir` fails for another reason.
    ///
    /// With `statsFiles` false, regular files are observed as `.unobserved`, from `readdir`'s
    /// type alone, and only symbolic links are stat'ed.
    init(
        root: [UInt8],
        path: [UInt8],
        observesFiles: Bool,
        statsFiles: Bool = true,
        stored: StoredFolder? = nil,
        trustedDevice: UInt64? = nil
    ) throws(HashingError) {
        self.path = path
        var absolute = root
        if !path.isEmpty {
            absolute.append(UInt8(ascii: "/"))
            absolute.append(contentsOf: path)
        }
        absolute.append(0)
        if observesFiles, let stored, stored.isTrustworthy, stored.stamp.device == trustedDevice, stored.isIntact,
            reuse(stored, absolute: absolute, root: root)
        {
            return
        }
        let stream = absolute.withUnsafeBufferPointer { buffer in
            opendir(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
        guard let stream else {
            let code = errno
            // A folder removed since its parent was read contributes nothing.
            if code == ENOENT || code == ENOTDIR {
                return
            }
            let display = PathEncoding.string(from: path)
            throw .unreadableDirectory(path: display, cause: SystemError(call: "opendir", subject: display, code: code))
        }
        defer { closedir(stream) }
        let descriptor = dirfd(stream)

        stamp = FolderStamp.of(descriptor: descriptor)
        readEntries(stream, descriptor: descriptor)
        names.withUnsafeBytes { all in
            entries.sort { first, second in
                let firstCount = Int(first.nameCount) + (first.isFolder ? 1 : 0)
                let secondCount = Int(second.nameCount) + (second.isFolder ? 1 : 0)
                let firstName = UnsafeRawBufferPointer(rebasing: all[Int(first.nameStart)..<Int(first.nameStart) + firstCount])
                return compareBytes(firstName, all.baseAddress! + Int(second.nameStart), secondCount) < 0
            }
        }
        guard observesFiles else { return }
        observations.reserveCapacity(entries.count)
        for entry in entries where !entry.isFolder {
            observations.append(statsFiles || entry.isLink ? observe(entry, in: descriptor, root: root) : .unobserved)
        }
    }

    /// Returns the relative paths of the subfolders, in the order of `entries`.
    func subfolderPaths() -> [[UInt8]] {
        entries.filter(\.isFolder).map { entry in
            var subfolder = path
            if !subfolder.isEmpty {
                subfolder.append(UInt8(ascii: "/"))
            }
            subfolder.append(contentsOf: names[entry.nameRange])
            return subfolder
        }
    }

    /// Calls `body` with each entry's name, followed by "/" for a folder and by a NUL, in the
    /// order of `entries`, and whether the entry is a folder.
    func forEachName(_ body: (UnsafeRawBufferPointer, Bool) -> Void) {
        names.withUnsafeBytes { all in
            for entry in entries {
                let end = entry.nameRange.upperBound + (entry.isFolder ? 2 : 1)
                body(UnsafeRawBufferPointer(rebasing: all[entry.nameRange.lowerBound..<end]), entry.isFolder)
            }
        }
    }

    /// Takes the entries of `stored` and observes its files, if the folder at `absolute` has
    /// the stored stat data and every stored file is still there and not a folder. Returns
    /// false, with nothing taken, otherwise.
    private mutating func reuse(_ stored: StoredFolder, absolute: [UInt8], root: [UInt8]) -> Bool {
        let opened = absolute.withUnsafeBufferPointer { buffer in
            stored.openIfUnchanged(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
        guard let descriptor = opened else { return false }
        defer { close(descriptor) }

        // The names stay where the listing has them, between the stored index entries.
        names = stored.listing
        let isWellFormed = names.withUnsafeBytes { bytes in
            ListingCoding.forEachElement(of: bytes, decodesEntries: false) { element in
                entries.append(Entry(nameStart: Int32(element.nameStart), nameCount: Int32(element.nameCount), isFolder: element.isFolder))
            }
        }
        guard isWellFormed else {
            names = []
            entries = []
            return false
        }
        observations.reserveCapacity(entries.count)
        for entry in entries where !entry.isFolder {
            let observation = observe(entry, in: descriptor, root: root)
            var isStale = false
            switch observation {
            case .missing: isStale = true
            case .file(let status): isStale = status.isDirectory
            default: break
            }
            if isStale {
                names = []
                entries = []
                observations = []
                return false
            }
            observations.append(observation)
        }
        stamp = stored.stamp
        isReused = true
        return true
    }

    private static let skippedRootNameBytes = TreeWalker.skippedRootNames.map { Array($0.utf8) }

    private mutating func readEntries(_ stream: OpaquePointer, descriptor: Int32) {
        while let entry = readdir(stream) {
            withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let name = UnsafeRawBufferPointer(rebasing: raw.prefix { $0 != 0 })
                if name.elementsEqual([UInt8(ascii: ".")]) || name.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                    return
                }
                if path.isEmpty, Self.skippedRootNameBytes.contains(where: { name.elementsEqual($0) }) {
                    return
                }
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) {
                    type = Self.entryType(in: descriptor, name: raw.baseAddress!)
                }
                guard type == Int32(DT_DIR) || type == Int32(DT_REG) || type == Int32(DT_LNK) else { return }
                let isFolder = type == Int32(DT_DIR)
                entries.append(Entry(nameStart: Int32(names.count), nameCount: Int32(name.count), isFolder: isFolder, isLink: type == Int32(DT_LNK)))
                names.append(contentsOf: name)
                if isFolder {
                    names.append(UInt8(ascii: "/"))
                }
                names.append(0)
            }
        }
    }

    /// Stats a file entry relative to the open folder, and a symbolic link by its whole path.
    private func observe(_ entry: Entry, in descriptor: Int32, root: [UInt8]) -> Observation {
        var status = stat()
        let result = names.withUnsafeBytes { all in
            fstatat(descriptor, all.baseAddress!.advanced(by: Int(entry.nameStart)).assumingMemoryBound(to: CChar.self), &status, AT_SYMLINK_NOFOLLOW)
        }
        if result != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                return .missing
            }
            let display = displayPath(of: entry)
            return .failed(.unreadableFile(path: display, cause: SystemError(call: "lstat", subject: display, code: code)))
        }
        let fileStatus = FileStatus(status)
        guard fileStatus.isSymbolicLink else {
            return .file(fileStatus)
        }
        var relative = path
        if !relative.isEmpty {
            relative.append(UInt8(ascii: "/"))
        }
        relative.append(contentsOf: names[entry.nameRange])
        return PathObserver.observe(absolutePath(root, relative), displayPath: PathEncoding.string(from: relative))
    }

    private func displayPath(of entry: Entry) -> String {
        let name = PathEncoding.string(from: names[entry.nameRange])
        return path.isEmpty ? name : PathEncoding.string(from: path) + "/" + name
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
