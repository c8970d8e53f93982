#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// One call of `HashIndex.records(root:relativePaths:)`: stat every path, look up the index,
/// read what changed, write the changes in one transaction.
struct RecordsBatch {
    let indexPath: String
    let root: String
    let relativePaths: [String]

    /// The record of one path and the index row to store for it.
    private struct Resolution {
        var record: FileRecord?
        var entry: IndexEntry?
        /// Whether `entry` differs from what the index holds.
        var needsWrite = false
        var isMissing = false
    }

    func run(_ state: inout HashIndex.State) throws(BatchFailure) -> (records: [FileRecord], missing: [String]) {
        let checkedTime = FileSystem.coarseNow()
        let keys = relativePaths.map(PathEncoding.bytes(of:))
        let rootBytes = PathEncoding.bytes(of: root)
        let observations = ParallelWork.map(count: keys.count, makeContext: {}) { index, _ in
            Self.observe(absolutePath(rootBytes, keys[index]), displayPath: relativePaths[index])
        }
        state.statistics.filesStatted += keys.count

        let stored: [[UInt8]: IndexEntry]
        do {
            stored = try IndexStore(state.connection).entries(for: keys)
        } catch {
            throw error.isCorruption ? .corrupt(error) : .failed(indexError(error))
        }

        var resolutions = [Resolution](repeating: Resolution(), count: keys.count)
        var toRead: [Int] = []
        var firstError: HashingError?
        for index in keys.indices {
            let old = stored[keys[index]]
            switch observations[index] {
            case .missing:
                resolutions[index].needsWrite = old != nil
                resolutions[index].isMissing = true
            case .failed(let error):
                firstError = firstError ?? error
            case .file(let status) where !status.isRegularFile:
                firstError = firstError ?? .notAFile(path: relativePaths[index], type: status.typeName)
            case .file(let status):
                if let old, old.linkTarget == nil, old.status == status, !old.isRacilyClean {
                    resolutions[index].record = record(index, old)
                } else {
                    toRead.append(index)
                }
            case .link(let target, let targetStatus?, _) where targetStatus.isRegularFile:
                if let old, old.linkTarget == target, old.status == targetStatus, !old.isRacilyClean {
                    resolutions[index].record = record(index, old)
                } else {
                    toRead.append(index)
                }
            case .link(let target, _, let linkStatus):
                let entry = IndexEntry(status: linkStatus, digest: SHA256.hash(target), linkTarget: target, checkedTime: checkedTime)
                resolutions[index] = Resolution(record: record(index, entry), entry: entry, needsWrite: !sameStoredData(old, entry))
            }
        }

        let backend = SHA256.Backend.preferred
        let readList = toRead
        let outcomes = ParallelWork.map(count: readList.count, makeContext: { FileHasher(backend: backend) }) { slot, hasher in
            let index = readList[slot]
            return Self.read(absolutePath(rootBytes, keys[index]), displayPath: relativePaths[index], hasher: &hasher)
        }
        for (slot, outcome) in outcomes.enumerated() {
            let index = toRead[slot]
            switch outcome {
            case .hashed(let digest, let status):
                state.statistics.filesRead += 1
                state.statistics.bytesRead += status.size
                let target: [UInt8]? = if case .link(let target, _, _) = observations[index] { target } else { nil }
                let entry = IndexEntry(status: status, digest: digest, linkTarget: target, checkedTime: checkedTime)
                resolutions[index] = Resolution(record: record(index, entry), entry: entry, needsWrite: true)
            case .vanished:
                resolutions[index].needsWrite = stored[keys[index]] != nil
                resolutions[index].isMissing = true
            case .failed(let error):
                firstError = firstError ?? error
            }
        }

        var records: [FileRecord] = []
        var missing: [String] = []
        var changes: [(key: [UInt8], entry: IndexEntry?)] = []
        for index in keys.indices {
            let resolution = resolutions[index]
            if let record = resolution.record {
                records.append(record)
            } else if resolution.isMissing {
                missing.append(relativePaths[index])
            }
            if resolution.needsWrite {
                changes.append((keys[index], resolution.entry))
            }
        }
        do {
            try IndexStore(state.connection).write(changes)
        } catch {
            throw error.isCorruption ? .corrupt(error) : .failed(indexError(error))
        }
        if let firstError {
            throw .failed(firstError)
        }
        records.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return (records, missing)
    }

    // MARK: - Helpers

    private func record(_ index: Int, _ entry: IndexEntry) -> FileRecord {
        FileRecord(
            path: relativePaths[index],
            digest: entry.digest,
            size: entry.status.size,
            mode: entry.status.mode & 0o7777,
            linkTarget: entry.linkTarget.map { PathEncoding.string(from: $0) }
        )
    }

    private func sameStoredData(_ old: IndexEntry?, _ new: IndexEntry) -> Bool {
        guard let old else { return false }
        return old.status == new.status && old.digest == new.digest && old.linkTarget == new.linkTarget
    }

    private func indexError(_ error: SQLiteError) -> HashingError {
        .index(path: indexPath, operation: error.operation, message: error.message, code: error.code)
    }

    /// Stats one path: `lstat`, and for a link also `readlink` and `stat`.
    private static func observe(_ path: [UInt8], displayPath: String) -> Observation {
        path.withUnsafeBufferPointer { buffer in
            let cPath = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            do throws(SystemError) {
                guard let status = try FileSystem.linkStatus(cPath, displayPath: displayPath) else {
                    return .missing
                }
                guard status.isSymbolicLink else {
                    return .file(status)
                }
                let target = try FileSystem.linkTarget(cPath, displayPath: displayPath)
                return .link(target: target, targetStatus: FileSystem.targetStatus(cPath), linkStatus: status)
            } catch {
                return .failed(.unreadableFile(path: displayPath, cause: error))
            }
        }
    }

    private static func read(_ path: [UInt8], displayPath: String, hasher: inout FileHasher) -> ReadOutcome {
        path.withUnsafeBufferPointer { buffer in
            let cPath = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            do throws(HashingError) {
                let (digest, status) = try hasher.hashFile(at: cPath, displayPath: displayPath)
                return .hashed(digest, status)
            } catch .unreadableFile(_, let cause) where cause.call == "open" && cause.code == ENOENT {
                // Deleted between the stat and the read.
                return .vanished
            } catch {
                return .failed(error)
            }
        }
    }
}

/// The NUL-terminated bytes of `root/relative`.
private func absolutePath(_ root: [UInt8], _ relative: [UInt8]) -> [UInt8] {
    var path = root
    path.reserveCapacity(root.count + relative.count + 2)
    path.append(UInt8(ascii: "/"))
    path.append(contentsOf: relative)
    path.append(0)
    return path
}
