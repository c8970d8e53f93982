/// The SQL of the `files` table: reading entries and writing one batch of changes.
struct IndexStore {
    /// From this many paths on, one scan of the whole table beats a lookup per path.
    static let scanThreshold = 512

    let connection: SQLiteConnection

    init(_ connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Calls `body` with the byte-order position of each path of `paths` whose position is in
    /// `positions` (all when nil) and that has an entry, and that entry, in byte order.
    ///
    /// Many paths are merged with one range scan over the primary key, which is in the same
    /// order, so no path or row is copied to compare them. Few paths are looked up one by one.
    func forEachEntry(of paths: PathList, in positions: Range<Int>? = nil, _ body: (Int, IndexEntry) -> Void) throws(SQLiteError) {
        let positions = positions ?? 0..<paths.count
        guard !positions.isEmpty else { return }
        let columns = "path, size, mtime_ns, ctime_ns, inode, mode, digest, link_target, checked_ns"
        if positions.count < Self.scanThreshold {
            let statement = try connection.prepare("SELECT \(columns) FROM files WHERE path = ?1")
            for position in positions {
                paths.withPath(paths.index(atSortedPosition: position)) { statement.bind(UnsafeRawBufferPointer($0), at: 1) }
                if try statement.step(), let entry = Self.entry(from: statement) {
                    body(position, entry)
                }
                statement.reset()
            }
            return
        }

        let statement = try connection.prepare("SELECT \(columns) FROM files WHERE path >= ?1 AND path <= ?2 ORDER BY path")
        paths.withPath(paths.index(atSortedPosition: positions.lowerBound)) { statement.bind(UnsafeRawBufferPointer($0), at: 1) }
        paths.withPath(paths.index(atSortedPosition: positions.upperBound - 1)) { statement.bind(UnsafeRawBufferPointer($0), at: 2) }
        let end = positions.upperBound
        var position = positions.lowerBound
        rows: while position < end, try statement.step() {
            while position < end {
                let order = statement.withBlob(at: 0) { paths.compare($0, withPath: paths.index(atSortedPosition: position)) }
                if order > 0 {
                    // The path sorts before the row, so it has no entry.
                    position += 1
                    continue
                }
                if order == 0, let entry = Self.entry(from: statement) {
                    // Equal paths given twice get the same entry.
                    repeat {
                        body(position, entry)
                        position += 1
                    } while position < end
                        && statement.withBlob(at: 0, { paths.compare($0, withPath: paths.index(atSortedPosition: position)) }) == 0
                }
                continue rows
            }
        }
    }

    /// Writes `changes` in one transaction: an entry replaces the stored one, nil deletes it.
    /// Writes nothing, and starts no transaction, when `changes` is empty.
    func write(_ changes: [(key: [UInt8], entry: IndexEntry?)]) throws(SQLiteError) {
        guard !changes.isEmpty else { return }
        try connection.execute("BEGIN IMMEDIATE")
        do {
            try store(changes)
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Stores `changes` inside a transaction that the caller began, and clears the mark that
    /// the stored folder digests match the files (see `HashIndex.hashTree`).
    func store(_ changes: [(key: [UInt8], entry: IndexEntry?)]) throws(SQLiteError) {
        try connection.execute("DELETE FROM current_tree")
        let upsert = try connection.prepare("INSERT OR REPLACE INTO files VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        let delete = try connection.prepare("DELETE FROM files WHERE path = ?1")
        for change in changes {
            guard let entry = change.entry else {
                delete.bind(change.key, at: 1)
                try delete.run()
                continue
            }
            upsert.bind(change.key, at: 1)
            upsert.bind(entry.status.size, at: 2)
            upsert.bind(entry.status.modificationTime, at: 3)
            upsert.bind(entry.status.changeTime, at: 4)
            upsert.bind(Int64(bitPattern: entry.status.inode), at: 5)
            upsert.bind(Int64(entry.status.mode), at: 6)
            upsert.bind(entry.digest.bytes, at: 7)
            upsert.bind(entry.linkTarget, at: 8)
            upsert.bind(entry.checkedTime, at: 9)
            try upsert.run()
        }
    }

    /// Reads the row at the statement's cursor; nil for a row with a malformed digest.
    private static func entry(from statement: SQLiteStatement) -> IndexEntry? {
        guard let digest = statement.withBlob(at: 6, { Digest(raw: $0) }) else { return nil }
        let status = FileStatus(
            size: statement.integer(at: 1),
            modificationTime: statement.integer(at: 2),
            changeTime: statement.integer(at: 3),
            inode: UInt64(bitPattern: statement.integer(at: 4)),
            mode: UInt32(truncatingIfNeeded: statement.integer(at: 5))
        )
        return IndexEntry(
            status: status,
            digest: digest,
            linkTarget: statement.isNull(at: 7) ? nil : statement.blob(at: 7),
            checkedTime: statement.integer(at: 8)
        )
    }
}
