#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// One call of `HashIndex.records(root:relativePaths:)`, or the records step of `hashTree`:
/// stat every path (unless a `TreeScan` did), look up the index, read what changed, write the
/// changes in one transaction.
struct RecordsBatch {
    /// The records of a batch, sorted by path bytes, and the paths that do not exist.
    struct Output {
        var records: [FileRecord]
        /// The index entry behind each record: as stored, or as just hashed. Empty for a batch
        /// of `records(root:relativePaths:)`, which stores no folder listings.
        var entries: [IndexEntry]
        /// The index in `paths` of each record's path.
        var recordPaths: [Int32]
        var missing: [String]
        /// Whether every path had an index entry that was kept as stored, so the batch
        /// wrote nothing.
        var keptEveryEntry: Bool
    }

    /// The read buffer of each hashing thread. Small enough to stay in a core's L2 cache, so
    /// the kernel's copy from the page cache and the hash of the copy do not go to memory.
    static let readBufferSize = 128 << 10
    /// Files hashed between two hand-overs of their changes to the index writer: enough to
    /// keep both cores busy, few enough that the last block's write is short.
    static let readBlockCount = 4096

    let indexPath: String
    let root: String
    let paths: PathList
    /// The `String` of each path by index.
    private let relativePaths: [String]
    /// The observation of each path by sorted position, taken at `checkedTime` or later.
    private let scanned: (observations: [Observation], checkedTime: Int64)?
    /// Whether the index had no entries when the scan began, so no path needs looking up.
    /// A wrong true costs only reads: every path is then hashed.
    var indexWasEmpty = false

    /// Creates a batch of `relativePaths`, to stat when it runs.
    init(indexPath: String, root: String, relativePaths: [String]) {
        self.indexPath = indexPath
        self.root = root
        self.paths = PathList(relativePaths)
        self.relativePaths = relativePaths
        self.scanned = nil
    }

    /// Creates a batch of paths that `TreeScan` observed after `checkedTime`.
    init(indexPath: String, root: String, scanned: TreeScan.Scanned, checkedTime: Int64) {
        self.indexPath = indexPath
        self.root = root
        self.paths = scanned.paths
        self.relativePaths = scanned.paths.strings()
        self.scanned = (scanned.observations, checkedTime)
    }

    func run(_ state: inout HashIndex.State) throws(BatchFailure) -> Output {
        let checkedTime = scanned?.checkedTime ?? FileSystem.coarseNow()
        let observations = scanned?.observations
            ?? PathObserver(root: root, paths: paths, displayPaths: relativePaths).observeAll()
        state.statistics.filesStatted += paths.count

        // Paths are resolved in byte order, so `records` comes out sorted. A file to read gets
        // a placeholder record at its slot, replaced after the read.
        var records: [FileRecord] = []
        records.reserveCapacity(paths.count)
        // Only a tree hash stores folder listings, which need each record's entry.
        let keepsEntries = scanned != nil
        var entries: [IndexEntry] = []
        if keepsEntries {
            entries.reserveCapacity(paths.count)
        }
        var recordPaths: [Int32] = []
        recordPaths.reserveCapacity(paths.count)
        var toRead: [(position: Int, slot: Int, hasEntry: Bool)] = []
        var changes: [(position: Int, entry: IndexEntry?)] = []
        var missing: [Int] = []
        var firstError: HashingError?
        var keptCount = 0

        /// Keeps the index's record of an unchanged file, or queues the file to be read.
        func keepOrRead(index: Int, position: Int, old: IndexEntry?, isUnchanged: Bool) {
            if let old, isUnchanged {
                records.append(record(index, old))
                if keepsEntries {
                    entries.append(old)
                }
                keptCount += 1
            } else {
                toRead.append((position, records.count, old != nil))
                records.append(placeholder(index))
                if keepsEntries {
                    entries.append(Self.placeholderEntry)
                }
            }
            recordPaths.append(Int32(truncatingIfNeeded: index))
        }

        func resolve(_ position: Int, old: IndexEntry?) {
            let index = paths.index(atSortedPosition: position)
            switch observations[position] {
            case .unobserved:
                keepOrRead(index: index, position: position, old: old, isUnchanged: false)
            case .missing:
                if old != nil {
                    changes.append((position, nil))
                }
                missing.append(position)
            case .failed(let error):
                firstError = firstError ?? error
            case .file(let status) where !status.isRegularFile:
                firstError = firstError ?? .notAFile(path: path(index), type: status.typeName)
            case .file(let status):
                let isUnchanged = old.map { $0.linkTarget == nil && $0.status == status && !$0.isRacilyClean } ?? false
                keepOrRead(index: index, position: position, old: old, isUnchanged: isUnchanged)
            case .link(let target, let targetStatus?, _) where targetStatus.isRegularFile:
                let isUnchanged = old.map { $0.linkTarget == target && $0.status == targetStatus && !$0.isRacilyClean } ?? false
                keepOrRead(index: index, position: position, old: old, isUnchanged: isUnchanged)
            case .link(let target, _, let linkStatus):
                let entry = IndexEntry(status: linkStatus, digest: SHA256.hash(target), linkTarget: target, checkedTime: checkedTime)
                records.append(record(index, entry))
                if keepsEntries {
                    entries.append(entry)
                }
                recordPaths.append(Int32(truncatingIfNeeded: index))
                if sameStoredData(old, entry) {
                    keptCount += 1
                } else {
                    changes.append((position, entry))
                }
            }
        }

        var stored: StoredEntries?
        do {
            if !indexWasEmpty {
                stored = try StoredEntries(paths: paths, connection: state.connection, indexPath: indexPath)
            }
        } catch {
            throw error.isCorruption ? .corrupt(error) : .failed(indexError(error))
        }
        for position in 0..<paths.count {
            resolve(position, old: stored?[position])
        }

        // The changes found so far go to the index first. Each block of files is hashed on all
        // cores while the changes of the block before it are stored.
        let writer = BackgroundWrite(IndexStore(state.connection))
        changes.sort { $0.position < $1.position }
        writer.append(rows(for: changes))
        changes = []

        let rootBytes = PathEncoding.bytes(of: root)
        let backend = SHA256.Backend.preferred
        // Locals, so that the closure does not copy the whole batch for each file.
        let pathList = paths
        let names = relativePaths
        var unfilledSlots: Set<Int> = []
        // Files open relative to the root, so the kernel does not walk the root's own path
        // for each. Without a root descriptor they open by absolute path and fail one by one.
        let rootDescriptor = PathEncoding.withCString(root) { open($0, PathObserver.pathOnly | O_DIRECTORY | O_CLOEXEC) }
        defer {
            if rootDescriptor >= 0 {
                close(rootDescriptor)
            }
        }
        for blockStart in stride(from: 0, to: toRead.count, by: Self.readBlockCount) {
            let block = Array(toRead[blockStart..<min(toRead.count, blockStart + Self.readBlockCount)])
            // Each worker reads two files at a time, whose hashes share the two-lane kernel.
            let outcomes = ParallelWork.mapPulling(count: block.count, makeContext: { TwoLaneHasher(bufferSize: Self.readBufferSize, backend: backend) }) { hasher, next, deliver in
                hasher.hashFiles(
                    relativeTo: rootDescriptor >= 0 ? rootDescriptor : AT_FDCWD,
                    next: next,
                    path: { slot in
                        pathList.withPath(pathList.index(atSortedPosition: block[slot].position)) {
                            rootDescriptor >= 0 ? Array($0) + [0] : absolutePath(rootBytes, $0)
                        }
                    },
                    displayPath: { slot in names[pathList.index(atSortedPosition: block[slot].position)] },
                    deliver: { slot, result in deliver(slot, Self.outcome(of: result)) }
                )
            }
            for (read, outcome) in zip(block, outcomes) {
                let index = paths.index(atSortedPosition: read.position)
                switch outcome {
                case .hashed(let digest, let status):
                    state.statistics.filesRead += 1
                    state.statistics.bytesRead += status.size
                    let target: [UInt8]? = if case .link(let target, _, _) = observations[read.position] { target } else { nil }
                    let entry = IndexEntry(status: status, digest: digest, linkTarget: target, checkedTime: checkedTime)
                    records[read.slot] = record(index, entry)
                    if keepsEntries {
                        entries[read.slot] = entry
                    }
                    changes.append((read.position, entry))
                case .vanished:
                    if read.hasEntry {
                        changes.append((read.position, nil))
                    }
                    missing.append(read.position)
                    unfilledSlots.insert(read.slot)
                case .failed(let error):
                    firstError = firstError ?? error
                    unfilledSlots.insert(read.slot)
                }
            }
            writer.append(rows(for: changes))
            changes = []
        }
        if !unfilledSlots.isEmpty {
            let kept = records.indices.filter { !unfilledSlots.contains($0) }
            records = kept.map { records[$0] }
            entries = keepsEntries ? kept.map { entries[$0] } : []
            recordPaths = kept.map { recordPaths[$0] }
        }

        do {
            try writer.finish()
        } catch {
            throw error.isCorruption ? .corrupt(error) : .failed(indexError(error))
        }
        if let firstError {
            throw .failed(firstError)
        }
        missing.sort()
        return Output(
            records: records,
            entries: entries,
            recordPaths: recordPaths,
            missing: missing.map { path(paths.index(atSortedPosition: $0)) },
            keptEveryEntry: keptCount == paths.count
        )
    }

    // MARK: - Helpers

    private func path(_ index: Int) -> String {
        relativePaths[index]
    }

    /// Returns the index rows of `changes`, keyed by the raw path bytes.
    private func rows(for changes: [(position: Int, entry: IndexEntry?)]) -> [(key: [UInt8], entry: IndexEntry?)] {
        changes.map { change in
            (key: paths.withPath(paths.index(atSortedPosition: change.position)) { Array($0) }, entry: change.entry)
        }
    }

    private func record(_ index: Int, _ entry: IndexEntry) -> FileRecord {
        FileRecord(
            path: path(index),
            digest: entry.digest,
            size: entry.status.size,
            mode: entry.status.mode & 0o7777,
            linkTarget: entry.linkTarget.map { PathEncoding.string(from: $0) }
        )
    }

    /// A stand-in entry for a file still to be read, at the slot its real entry takes.
    private static let placeholderEntry = IndexEntry(
        status: FileStatus(size: 0, modificationTime: 0, changeTime: 0, inode: 0, mode: 0),
        digest: Digest(words: (0, 0, 0, 0)),
        linkTarget: nil,
        checkedTime: 0
    )

    /// Returns a stand-in record for a file still to be read, at the slot its real record takes.
    private func placeholder(_ index: Int) -> FileRecord {
        FileRecord(path: path(index), digest: Digest(words: (0, 0, 0, 0)), size: 0, mode: 0)
    }

    private func sameStoredData(_ old: IndexEntry?, _ new: IndexEntry) -> Bool {
        guard let old else { return false }
        return old.status == new.status && old.digest == new.digest && old.linkTarget == new.linkTarget
    }

    private func indexError(_ error: SQLiteError) -> HashingError {
        .index(path: indexPath, operation: error.operation, message: error.message, code: error.code)
    }

    private static func outcome(of result: Result<TwoLaneHasher.HashedFile, HashingError>) -> ReadOutcome {
        switch result {
        case .success(let hashed):
            .hashed(hashed.digest, hashed.status)
        case .failure(.unreadableFile(_, let cause)) where cause.call == "open" && cause.code == ENOENT:
            // Deleted between the stat and the read.
            .vanished
        case .failure(let error):
            .failed(error)
        }
    }
}
