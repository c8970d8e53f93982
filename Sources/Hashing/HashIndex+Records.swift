import Basics

extension HashIndex {
    /// Stats each of `relativePaths` under `root` and returns its record, reading only files
    /// whose stat data changed since the index last saw them, or that are racily clean.
    ///
    /// Files to read are hashed on all cores. Changes are written in one SQLite transaction, and
    /// a call that finds nothing changed writes nothing. A symbolic link to a file is hashed by
    /// its target's content; a link that dangles or leads elsewhere is hashed by its target path.
    /// - Parameters:
    ///   - root: the absolute folder that the paths are relative to.
    ///   - relativePaths: "/"-separated paths without "./", as `TreeWalker` lists them.
    /// - Returns: the records sorted by path bytes, and the paths that do not exist, which are
    ///   also dropped from the index.
    /// - Throws: `HashingError` for a path that is not a file or cannot be read (after storing
    ///   what was hashed), or when SQLite fails for another reason than corruption.
    public func records(root: String, relativePaths: [String]) throws(HashingError) -> (records: [FileRecord], missing: [String]) {
        let output = try run(RecordsBatch(indexPath: path, root: root, relativePaths: relativePaths))
        return (output.records, output.missing)
    }

    /// Runs `batch` under the lock, replacing a corrupt index by an empty one and running the
    /// batch again, once.
    func run(_ batch: RecordsBatch) throws(HashingError) -> RecordsBatch.Output {
        try state.withLock { (state) throws(HashingError) in
            var healed = false
            while true {
                do throws(BatchFailure) {
                    return try batch.run(&state)
                } catch {
                    switch error {
                    case .failed(let failure):
                        throw failure
                    case .corrupt(let corruption) where healed:
                        throw .index(path: path, operation: corruption.operation, message: corruption.message, code: corruption.code)
                    case .corrupt(let corruption):
                        // Closed first: closing later could delete the new index's WAL file.
                        state.connection.close()
                        state.connection = try Self.replaceDamaged(path: path, error: corruption, warnings: &state.warnings)
                        healed = true
                    }
                }
            }
        }
    }
}

/// A failure of one batch: corruption, which the index heals by starting over, or any other.
enum BatchFailure: Error {
    case corrupt(SQLiteError)
    case failed(HashingError)
}

/// The index row of one path.
struct IndexEntry {
    var status: FileStatus
    var digest: Digest
    var linkTarget: [UInt8]?
    var checkedTime: Int64

    /// Whether the file was modified so close to its check that a later write in the same
    /// timestamp tick would leave its stat data unchanged.
    var isRacilyClean: Bool {
        status.modificationTime >= checkedTime - HashIndex.racyWindow
    }
}

/// One path after the stat phase.
enum Observation: Sendable {
    case missing
    case file(FileStatus)
    /// A regular file by its folder's listing, not stat'ed: reading it takes its status.
    case unobserved
    /// A symbolic link: its target as written, the status of what it leads to (nil when it
    /// dangles), and its own status.
    /// Indirect, like `failed`, to keep the common cases at the size of a `FileStatus`.
    indirect case link(target: [UInt8], targetStatus: FileStatus?, linkStatus: FileStatus)
    indirect case failed(HashingError)
}

/// The result of reading one file.
enum ReadOutcome: Sendable {
    case hashed(Digest, FileStatus)
    case vanished
    case failed(HashingError)
}
