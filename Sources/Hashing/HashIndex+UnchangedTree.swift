#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Synchronization

extension HashIndex {
    /// Returns the tree of the whole `root` from the stored folder listings alone, when nothing
    /// in it changed since a tree hash marked the index current. Returns nil as soon as
    /// anything did.
    ///
    /// The stored listings, walked from the root, give every folder and file and the index
    /// entry of each file. Each folder is checked on all cores: its stat data must match the
    /// stored stamp, and each file's `fstatat` must match its entry, which must not be racily
    /// clean. No folder is read and no row of `files` is decoded, which is what makes the
    /// no-change check cheaper than a scan. A symbolic link, a file the listing has no
    /// entry for, or any difference returns nil, and the caller hashes the tree the full way.
    ///
    /// The result is the one the full way would return. The mark in `current_tree` is cleared
    /// by every write to `files`, and set only by a tree hash of the whole root after it stored
    /// the listings, so while it is set the listings' entries are the rows of `files`.
    func unchangedTree(root: String, storedFolders: [[UInt8]: StoredFolder], trustedDevice: UInt64?) -> Tree? {
        guard let trustedDevice, let plan = UnchangedTreePlan(storedFolders: storedFolders, trustedDevice: trustedDevice) else {
            return nil
        }
        let marked = state.withLock { state in try? state.connection.integer("SELECT count(*) FROM current_tree WHERE file_count = \(plan.fileCount)") }
        guard marked == 1 else { return nil }

        let difference = DifferenceFlag()
        // Folders open relative to the root, so the kernel does not walk the root's own path
        // for each of them.
        let rootDescriptor = PathEncoding.withCString(root) { open($0, PathObserver.pathOnly | O_DIRECTORY | O_CLOEXEC) }
        guard rootDescriptor >= 0 else { return nil }
        defer { close(rootDescriptor) }
        // The workers write each record in place, at the position the plan gave it.
        let records = [FileRecord](unsafeUninitializedCapacity: plan.fileCount) { buffer, count in
            buffer.initialize(repeating: FileRecord(path: "", digest: Digest(words: (0, 0, 0, 0)), size: 0, mode: 0))
            count = plan.fileCount
            let slots = RecordSlots(buffer: buffer)
            _ = ParallelWork.map(count: plan.folders.count, minimumParallelCount: 2, makeContext: { [UInt8]() }) { index, scratch in
                // Once one folder differs, the others are not worth checking.
                if !difference.isRaised, !plan.folders[index].check(root: rootDescriptor, into: slots, scratch: &scratch) {
                    difference.raise()
                }
            }
        }
        // NOTE: the stats made before a difference was found are lost: a tree with one changed
        // file pays about half of this check on top of the full way.
        guard !difference.isRaised else { return nil }

        return state.withLock { state -> Tree? in
            guard let directories = try? storedDirectories(ifCurrentFor: plan.fileCount, connection: state.connection) else {
                return nil
            }
            state.statistics.filesStatted += plan.fileCount
            state.statistics.foldersReused += plan.folders.count
            state.statistics.unchangedTrees += 1
            return Tree(records: records, directories: directories, changedDirectories: [])
        }
    }
}

/// The folders of a stored tree, each with the positions its files take in the sorted records.
private struct UnchangedTreePlan: Sendable {
    struct Folder: Sendable {
        var path: [UInt8]
        var stored: StoredFolder
        /// The record position of each file entry of the listing, in listing order.
        var slots: [Int32]

        /// Checks the folder, opened relative to the root's descriptor `root`, and its files
        /// against the stored listing and writes their records. Returns false at the first
        /// difference.
        func check(root: Int32, into records: RecordSlots, scratch: inout [UInt8]) -> Bool {
            guard stored.isIntact else { return false }
            scratch.removeAll(keepingCapacity: true)
            if path.isEmpty {
                scratch.append(UInt8(ascii: "."))
            } else {
                scratch.append(contentsOf: path)
            }
            scratch.append(0)
            let opened = scratch.withUnsafeBufferPointer { buffer in
                stored.openIfUnchanged(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), relativeTo: root)
            }
            guard let descriptor = opened else { return false }
            defer { close(descriptor) }

            // The relative path of each file: the folder's path, "/", then the name.
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: path)
            if !path.isEmpty {
                scratch.append(UInt8(ascii: "/"))
            }
            let nameStart = scratch.count
            var file = 0
            var isUnchanged = true
            _ = stored.listing.withUnsafeBytes { listing in
                ListingCoding.forEachElement(of: listing, decodesEntries: true) { element in
                    guard isUnchanged, !element.isFolder else { return }
                    guard let entry = element.entry, !entry.isRacilyClean else {
                        isUnchanged = false
                        return
                    }
                    var status = stat()
                    let name = listing.baseAddress!.advanced(by: element.nameStart).assumingMemoryBound(to: CChar.self)
                    guard fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0, FileStatus(status) == entry.status else {
                        isUnchanged = false
                        return
                    }
                    scratch.removeSubrange(nameStart...)
                    scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: listing[element.nameStart..<element.nameStart + element.nameCount]))
                    let record = FileRecord(
                        path: PathEncoding.string(from: scratch),
                        digest: entry.digest,
                        size: entry.status.size,
                        mode: entry.status.mode & 0o7777
                    )
                    records.set(Int(slots[file]), to: record)
                    file += 1
                }
            }
            return isUnchanged
        }
    }

    var folders: [Folder] = []
    var fileCount = 0

    /// Walks the stored listings depth first from the root, in the byte order of whole paths.
    /// Returns nil when a folder on the way has no stored listing that can be trusted on
    /// `trustedDevice`, or a listing is malformed.
    init?(storedFolders: [[UInt8]: StoredFolder], trustedDevice: UInt64) {
        guard visit([], storedFolders, trustedDevice) else { return nil }
    }

    private mutating func visit(_ path: [UInt8], _ storedFolders: [[UInt8]: StoredFolder], _ trustedDevice: UInt64) -> Bool {
        guard let stored = storedFolders[path], stored.isTrustworthy, stored.stamp.device == trustedDevice else {
            return false
        }
        var slots: [Int32] = []
        var subfolders: [(slotsBefore: Int, path: [UInt8])] = []
        let isWellFormed = stored.listing.withUnsafeBytes { listing in
            ListingCoding.forEachElement(of: listing, decodesEntries: false) { element in
                if element.isFolder {
                    var subfolder = path
                    if !subfolder.isEmpty {
                        subfolder.append(UInt8(ascii: "/"))
                    }
                    subfolder.append(contentsOf: UnsafeRawBufferPointer(rebasing: listing[element.nameStart..<element.nameStart + element.nameCount]))
                    subfolders.append((slots.count, subfolder))
                } else {
                    // Placeholder: the position depends on the subfolders before it.
                    slots.append(0)
                }
            }
        }
        guard isWellFormed else { return false }

        // Files and subfolders take positions in listing order; a subfolder takes as many as
        // the files under it.
        var file = 0
        let index = folders.count
        folders.append(Folder(path: path, stored: stored, slots: []))
        for subfolder in subfolders + [(slots.count, [])] {
            while file < subfolder.slotsBefore {
                slots[file] = Int32(fileCount)
                fileCount += 1
                file += 1
            }
            if !subfolder.path.isEmpty, !visit(subfolder.path, storedFolders, trustedDevice) {
                return false
            }
        }
        folders[index].slots = slots
        return true
    }
}

/// The records of an unchanged tree, written in place by the workers that check its folders.
///
/// Unchecked: each position is written by the one worker that checks its folder, and the array
/// is read only after `ParallelWork.map` has returned, which orders the writes before the read.
private struct RecordSlots: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<FileRecord>

    func set(_ position: Int, to record: FileRecord) {
        buffer[position] = record
    }
}

/// Raised by the first worker that finds a difference, so that the others stop early.
private final class DifferenceFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isRaised: Bool { value.load(ordering: .relaxed) }

    func raise() {
        value.store(true, ordering: .relaxed)
    }
}
