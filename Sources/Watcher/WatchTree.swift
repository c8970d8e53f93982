/// The watched folders and the files known in each, kept in step with inotify records.
///
/// inotify watches single folders, so the tree keeps one watch per folder and turns each record
/// into effects: changes to report, folders to watch and list, watches to remove. It makes no
/// system call itself, so overflow, `IN_IGNORED` and rename pairs split across reads are tested
/// with synthetic records.
///
/// A folder rename inside the tree arrives as `IN_MOVED_FROM` on the old parent and `IN_MOVED_TO`
/// on the new one, paired by cookie. The kernel keeps the watches of a moved folder, so a paired
/// rename only renames the tree's paths. A `IN_MOVED_FROM` that is still unpaired when the tree
/// goes quiet was a move out of the watched area: `resolvePendingMoves()` then reports the
/// folder's files as moved out and removes its watches.
public struct WatchTree: Sendable {
    /// A step the owner of the inotify descriptor carries out.
    public enum Effect: Hashable, Sendable {
        case report(WatchEvent)
        /// Add a watch on `folder`, list it and call `didWatch`. The files found are reported as
        /// `existingFilesKind`, or recorded silently when it is nil (the initial scan).
        case watch(folder: String, existingFilesKind: ChangeKind?)
        /// Remove the watch with this descriptor, whose folder left the watched area.
        case unwatch(Int32)
    }

    /// One entry of a folder listing.
    public struct Entry: Hashable, Sendable {
        public var name: String
        public var isDirectory: Bool

        public init(name: String, isDirectory: Bool) {
            self.name = name
            self.isDirectory = isDirectory
        }
    }

    public let scope: WatchScope

    private var descriptorsByFolder: [String: Int32] = [:]
    private var foldersByDescriptor: [Int32: String] = [:]
    /// The names of the non-folder entries known in each watched folder.
    private var filesByFolder: [String: Set<String>] = [:]
    /// Folders renamed away whose `IN_MOVED_TO` has not come yet, by cookie.
    private var pendingMoves: [UInt32: String] = [:]

    public init(scope: WatchScope) {
        self.scope = scope
    }

    /// The folders watched now, sorted.
    public var watchedFolders: [String] { descriptorsByFolder.keys.sorted() }

    /// The number of folders watched now.
    public var watchCount: Int { descriptorsByFolder.count }

    /// True while a folder rename waits for its `IN_MOVED_TO`.
    public var hasPendingMoves: Bool { !pendingMoves.isEmpty }

    /// Returns the watch descriptor of `folder`, if it is watched.
    public func descriptor(of folder: String) -> Int32? {
        descriptorsByFolder[folder]
    }

    /// Returns the effects that start watching: a watch on the workspace root, whose listing leads
    /// to every folder that needs a watch.
    public func initialEffects() -> [Effect] {
        [.watch(folder: "", existingFilesKind: nil)]
    }

    // MARK: Results of the owner's work

    /// Records the watch `descriptor` on `folder` and its listing `entries`, and returns the
    /// subfolders to watch and, when `existingFilesKind` is set, the files to report.
    ///
    /// A folder watched twice (an `IN_CREATE` that raced the parent's listing) gets the same
    /// descriptor from the kernel, so only files not known before are reported then.
    public mutating func didWatch(
        folder: String,
        descriptor: Int32,
        entries: [Entry],
        existingFilesKind: ChangeKind?
    ) -> [Effect] {
        if let old = descriptorsByFolder[folder], old != descriptor {
            foldersByDescriptor[old] = nil
        }
        descriptorsByFolder[folder] = descriptor
        foldersByDescriptor[descriptor] = folder
        // A silent listing replaces what was known, which may be stale after lost records.
        var known = existingFilesKind == nil ? [] : filesByFolder[folder] ?? []
        var effects: [Effect] = []
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            let path = WatchScope.join(folder, entry.name)
            if entry.isDirectory {
                if scope.needsWatch(folder: path) && descriptorsByFolder[path] == nil {
                    effects.append(.watch(folder: path, existingFilesKind: existingFilesKind))
                }
            } else if scope.covers(path) && !known.contains(entry.name) {
                known.insert(entry.name)
                if let kind = existingFilesKind {
                    effects.append(.report(.change(path: path, kind: kind)))
                }
            }
        }
        filesByFolder[folder] = known
        return effects
    }

    /// Forgets `folder` and everything below it, after a watch on it failed because it vanished.
    public mutating func didFailToWatch(folder: String) {
        _ = removeSubtree(folder, reportingFilesAs: [], removingWatches: false)
    }

    // MARK: Records

    /// Returns the effects of one inotify record.
    public mutating func apply(_ record: InotifyRecord) -> [Effect] {
        let mask = record.mask
        if mask.contains(.queueOverflowed) {
            // Lost records may have created folders that have no watch yet: list every watched
            // folder again, silently, since the consumer re-hashes everything anyway.
            return [.report(.rescanNeeded)] + watchedFolders.map { .watch(folder: $0, existingFilesKind: nil) }
        }
        guard let folder = foldersByDescriptor[record.watchDescriptor] else {
            return []
        }
        if mask.contains(.watchRemoved) {
            forgetDescriptor(record.watchDescriptor)
            return []
        }
        if record.name.isEmpty {
            return applyToWatchedFolder(folder, mask: mask)
        }
        let path = WatchScope.join(folder, record.name)
        if mask.contains(.isDirectory) {
            return applyToSubfolder(path, mask: mask, cookie: record.cookie)
        }
        return applyToFile(named: record.name, in: folder, mask: mask)
    }

    /// Ends every folder rename still waiting for its second half: each such folder left the
    /// watched area, so its files are reported moved out and its watches removed.
    public mutating func resolvePendingMoves() -> [Effect] {
        var effects: [Effect] = []
        for (_, folder) in pendingMoves.sorted(by: { $0.value < $1.value }) {
            effects += removeSubtree(folder, reportingFilesAs: .movedOut, removingWatches: true)
        }
        pendingMoves = [:]
        return effects
    }

    private mutating func applyToWatchedFolder(_ folder: String, mask: InotifyMask) -> [Effect] {
        guard folder.isEmpty else {
            // The parent folder's watch reports the same deletion or rename with the name.
            return []
        }
        let action: String
        if mask.contains(.watchedFolderDeleted) {
            action = "deleted"
        } else if mask.contains(.watchedFolderMoved) {
            action = "moved"
        } else {
            return []
        }
        let message = "the workspace folder was \(action), so no further changes can be seen; restart 'dagrun watch'"
        return [.report(.warning(message)), .report(.rescanNeeded)]
    }

    private mutating func applyToSubfolder(_ path: String, mask: InotifyMask, cookie: UInt32) -> [Effect] {
        if mask.contains(.created) {
            return scope.needsWatch(folder: path) ? [.watch(folder: path, existingFilesKind: .created)] : []
        }
        if mask.contains(.deleted) {
            return removeSubtree(path, reportingFilesAs: .deleted, removingWatches: false)
        }
        if mask.contains(.movedFrom) {
            if descriptorsByFolder[path] != nil {
                pendingMoves[cookie] = path
            }
            return []
        }
        if mask.contains(.movedTo) {
            if let oldPath = pendingMoves.removeValue(forKey: cookie) {
                return renameSubtree(from: oldPath, to: path)
            }
            return scope.needsWatch(folder: path) ? [.watch(folder: path, existingFilesKind: .movedIn)] : []
        }
        return []
    }

    private mutating func applyToFile(named name: String, in folder: String, mask: InotifyMask) -> [Effect] {
        let path = WatchScope.join(folder, name)
        guard scope.covers(path) else {
            return []
        }
        var kind: ChangeKind = []
        if mask.contains(.created) { kind.insert(.created) }
        if mask.contains(.closedAfterWriting) || mask.contains(.modified) { kind.insert(.modified) }
        if mask.contains(.attributesChanged) { kind.insert(.attributes) }
        if mask.contains(.movedTo) { kind.insert(.movedIn) }
        if mask.contains(.deleted) { kind.insert(.deleted) }
        if mask.contains(.movedFrom) { kind.insert(.movedOut) }
        guard !kind.isEmpty else {
            return []
        }
        if kind.contains(.deleted) || kind.contains(.movedOut) {
            filesByFolder[folder]?.remove(name)
        } else {
            filesByFolder[folder, default: []].insert(name)
        }
        return [.report(.change(path: path, kind: kind))]
    }

    // MARK: Subtrees

    /// Returns `folder` and every watched folder below it, sorted.
    private func subtree(_ folder: String) -> [String] {
        descriptorsByFolder.keys.filter { $0 == folder || $0.hasPrefix(folder + "/") }.sorted()
    }

    private mutating func forgetDescriptor(_ descriptor: Int32) {
        guard let folder = foldersByDescriptor.removeValue(forKey: descriptor) else {
            return
        }
        if descriptorsByFolder[folder] == descriptor {
            descriptorsByFolder[folder] = nil
            filesByFolder[folder] = nil
        }
    }

    /// Forgets `folder` and everything below it, reporting the files still known there as `kind`.
    ///
    /// A deleted folder's watches vanish by themselves (`IN_IGNORED` follows); a folder moved out
    /// keeps them, so they are removed.
    private mutating func removeSubtree(
        _ folder: String,
        reportingFilesAs kind: ChangeKind,
        removingWatches: Bool
    ) -> [Effect] {
        var effects: [Effect] = []
        for member in subtree(folder) {
            for name in (filesByFolder[member] ?? []).sorted() {
                effects.append(.report(.change(path: WatchScope.join(member, name), kind: kind)))
            }
            if let descriptor = descriptorsByFolder.removeValue(forKey: member) {
                foldersByDescriptor[descriptor] = nil
                if removingWatches {
                    effects.append(.unwatch(descriptor))
                }
            }
            filesByFolder[member] = nil
        }
        return effects
    }

    /// Reports the files known under `oldFolder` as moved out, and watches `newFolder` again so its
    /// listing reports them as moved in under their new paths.
    ///
    /// The kernel keeps a moved folder's watches, and adding a watch on a watched folder returns
    /// the descriptor it already has, so the fresh listing only renames the tree's paths. A folder
    /// moved to where nothing needs a watch loses its watches instead.
    private mutating func renameSubtree(from oldFolder: String, to newFolder: String) -> [Effect] {
        guard scope.needsWatch(folder: newFolder) else {
            return removeSubtree(oldFolder, reportingFilesAs: .movedOut, removingWatches: true)
        }
        let effects = removeSubtree(oldFolder, reportingFilesAs: .movedOut, removingWatches: false)
        return effects + [.watch(folder: newFolder, existingFilesKind: .movedIn)]
    }
}
