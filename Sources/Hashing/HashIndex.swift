// The hash index, `.dagrun/index.db`: what each input file looked like when it was last hashed.
//
// Schema, format version 3 (stored in `PRAGMA user_version`):
//
//     files(path BLOB PRIMARY KEY, size, mtime_ns, ctime_ns, inode, mode, digest BLOB,
//           link_target BLOB, checked_ns) WITHOUT ROWID
//     directories(path BLOB PRIMARY KEY, digest BLOB) WITHOUT ROWID
//     current_tree(file_count)
//     folders(path BLOB PRIMARY KEY, mtime_ns, ctime_ns, inode, device, checked_ns, listing BLOB)
//
// `path` is relative to the workspace root and contains the raw bytes of the name, so names that
// are not valid UTF-8 round-trip. `size`, `mtime_ns`, `ctime_ns`, `inode` and `mode` (the whole
// st_mode) come from the fstat of the file as it was read, of the target for a symbolic link;
// `digest` is the 32-byte SHA-256 of its content. `link_target` is NULL except for symbolic
// links. `checked_ns` is the kernel's coarse real-time clock just before the file was stat'ed,
// for the racy-clean rule: an entry whose mtime is within `racyWindow` of its
// `checked_ns` might have been written again within the same timestamp tick, so it is hashed
// again instead of trusted. `directories` holds the Merkle digest of each folder of the last
// tree hash (see `DirectoryDigests`). `current_tree` has one row while `directories` holds
// the digests of exactly the `file_count` rows of `files`, as a tree hash of the whole root
// left them; every write to `files` deletes that row. `folders` contains the listing of each
// folder a tree hash read, with the folder's stat data and its files' entries, so that the next
// tree hash can skip reading folders whose entries did not change (see `StoredFolder`).
//
// The database runs in WAL mode with synchronous=NORMAL: each batch is one transaction, so a
// process killed mid-write leaves the last committed state. A file that SQLite reports as
// corrupt or not a database is moved to `index.db.corrupt`, and a file of another format
// version is deleted; either way the index starts empty and says so in `warnings`. Losing the
// index costs one full rehash, never a wrong result.
import Basics
import Synchronization

/// The persistent record of each input file's stat data and digest, so that unchanged files are
/// not read again.
///
/// Thread-safe: all methods serialize on one lock, and `records(root:relativePaths:)` hashes on
/// all cores inside it. Its methods block, so call them from a dedicated thread.
public final class HashIndex: Sendable {
    /// The format version in `PRAGMA user_version`; another value starts a fresh index.
    static let formatVersion: Int64 = 3

    /// How close to its check time a file's mtime makes the file racily clean, in nanoseconds.
    /// Two seconds covers FAT, the coarsest timestamps among common file systems. On ext4 and
    /// similar ones the cost is one extra read of each file written in the two seconds before a check.
    static let racyWindow: Int64 = 2_000_000_000

    /// Counters since the index was opened, for tests and benchmarks.
    public struct Statistics: Sendable, Equatable {
        /// Paths stat'ed by `records(root:relativePaths:)`.
        public var filesStatted = 0
        /// Files whose content was read and hashed.
        public var filesRead = 0
        /// Bytes of content read.
        public var bytesRead: Int64 = 0
        /// Folders that `hashTree` read with `readdir`.
        public var foldersRead = 0
        /// Folders whose stored listing `hashTree` reused instead of reading them.
        public var foldersReused = 0
        /// Calls of `hashTree` that returned the stored listings alone, because nothing changed.
        public var unchangedTrees = 0
    }

    struct State {
        var connection: SQLiteConnection
        var warnings: [String] = []
        var statistics = Statistics()
    }

    /// The path of the database file.
    public let path: String
    let state: Mutex<State>

    /// Opens the index at `path`, creating it when absent.
    ///
    /// A corrupt file, or one of another format version, is replaced by an empty index and a
    /// warning in `warnings`.
    /// - Throws: `HashingError.index` when SQLite cannot open or create the file at all.
    public init(path: String) throws(HashingError) {
        self.path = path
        var warnings: [String] = []
        let connection = try Self.openHealing(path: path, warnings: &warnings)
        state = Mutex(State(connection: connection, warnings: warnings))
    }

    /// Warnings for the caller to print, such as an index rebuilt after corruption.
    public var warnings: [String] {
        state.withLock { $0.warnings }
    }

    /// Returns the warnings not taken yet and clears them, so that a caller that prints them
    /// after opening the index and again after using it prints each once. Damage found while
    /// the index is used, not only when it opens, rebuilds it and adds a warning.
    public func takeWarnings() -> [String] {
        state.withLock { state in
            defer { state.warnings = [] }
            return state.warnings
        }
    }

    /// Files stat'ed, files read and bytes read since the index was opened.
    public var statistics: Statistics {
        state.withLock { $0.statistics }
    }

    /// Returns the Merkle digest of every folder that contains a file of `records`, keyed by its
    /// relative path ("" for the root). See `DirectoryDigests` for the encoding.
    public func directoryDigests(for records: [FileRecord]) -> [String: Digest] {
        DirectoryDigests.compute(for: records)
    }

    // MARK: - Opening and healing

    private enum Opened {
        case ready(SQLiteConnection)
        case otherVersion(Int64)
    }

    /// Opens the index, replacing a corrupt file or one of another format version by a new one.
    static func openHealing(path: String, warnings: inout [String]) throws(HashingError) -> SQLiteConnection {
        let opened: Opened
        do {
            opened = try open(path: path)
        } catch where error.isCorruption {
            return try replaceDamaged(path: path, error: error, warnings: &warnings)
        } catch {
            throw .index(path: path, operation: error.operation, message: error.message, code: error.code)
        }
        switch opened {
        case .ready(let connection):
            return connection
        case .otherVersion(let version):
            warnings.append(
                "the hash index '\(path)' has format version \(version), not \(formatVersion); "
                    + "started a new one, so every input is hashed again"
            )
            discard(path: path, keepingAs: nil)
            return try openFresh(path: path)
        }
    }

    /// Moves the damaged index at `path` aside, records a warning and opens a new one.
    static func replaceDamaged(path: String, error: SQLiteError, warnings: inout [String]) throws(HashingError) -> SQLiteConnection {
        warnings.append(
            "the hash index '\(path)' is damaged (\(error.message)); moved it to '\(path).corrupt' "
                + "and started a new one, so every input is hashed again"
        )
        discard(path: path, keepingAs: path + ".corrupt")
        return try openFresh(path: path)
    }

    private static func openFresh(path: String) throws(HashingError) -> SQLiteConnection {
        do {
            if case .ready(let connection) = try open(path: path) {
                return connection
            }
        } catch {
            throw .index(path: path, operation: error.operation, message: error.message, code: error.code)
        }
        throw .index(path: path, operation: "create", message: "another process wrote an index of another format", code: 1)
    }

    private static func open(path: String) throws(SQLiteError) -> Opened {
        let connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA page_size=65536; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
        let version = try connection.integer("PRAGMA user_version")
        if version == formatVersion {
            return .ready(connection)
        }
        let tableCount = try connection.integer("SELECT count(*) FROM sqlite_master")
        if version != 0 || tableCount != 0 {
            return .otherVersion(version)
        }
        try connection.execute(
            """
            BEGIN IMMEDIATE;
            CREATE TABLE files(
                path BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, mode INTEGER NOT NULL,
                digest BLOB NOT NULL, link_target BLOB, checked_ns INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE directories(path BLOB PRIMARY KEY, digest BLOB NOT NULL) WITHOUT ROWID;
            CREATE TABLE current_tree(file_count INTEGER NOT NULL);
            CREATE TABLE folders(
                path BLOB PRIMARY KEY, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
                inode INTEGER NOT NULL, device INTEGER NOT NULL, checked_ns INTEGER NOT NULL,
                listing BLOB NOT NULL
            );
            PRAGMA user_version = \(formatVersion);
            COMMIT;
            """
        )
        return .ready(connection)
    }

    /// Removes the database and its WAL files, first renaming the database to `aside`.
    private static func discard(path: String, keepingAs aside: String?) {
        if let aside {
            _ = PathEncoding.withCString(path) { from in
                PathEncoding.withCString(aside) { to in rename(from, to) }
            }
        }
        for suffix in ["", "-wal", "-shm"] {
            _ = PathEncoding.withCString(path + suffix) { unlink($0) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
