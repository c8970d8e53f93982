extension HashIndex {
    /// The files and folders of a tree, with the folders whose digest changed since the last
    /// tree hash of the same index.
    public struct Tree: Sendable {
        /// Every file and symbolic link under the prefixes, sorted by path bytes.
        public var records: [FileRecord]
        /// The Merkle digest of each folder that contains a file, "" for the root.
        public var directories: [String: Digest]
        /// Folders that are new, gone, or whose digest differs from the stored one, sorted.
        public var changedDirectories: [String]
    }

    /// Lists the files under `prefixes` of `root` as `TreeWalker` does, returns their records
    /// and folder digests, and stores the folder digests as the index's directory nodes.
    ///
    /// When the whole root is hashed and nothing changed since the last such hash, the stored
    /// folder listings give the result without a walk (see `unchangedTree`). Otherwise there
    /// is one walk, which stats each file while its folder is open (unless the index is empty),
    /// and one batch as `records(root:relativePaths:)` runs it. Then at most two transactions
    /// store the folder listings that changed, and the directory nodes that changed with the
    /// mark that they match the files. A folder whose stat data matches its stored listing is not
    /// read again (see `StoredFolder`). When the whole root is hashed, every file is unchanged
    /// and that mark is set, the stored directory nodes are returned without computing them.
    /// An index found corrupt while the directory nodes are stored is replaced, as
    /// `records(root:relativePaths:)` does, and the tree hashed again.
    /// - Throws: `HashingError` as `TreeWalker.files(under:)` and `records(root:relativePaths:)` do.
    public func hashTree(root: String, prefixes: [String] = [""]) throws(HashingError) -> Tree {
        // Taken before the first stat, as the racy-clean rule needs.
        let checkedTime = FileSystem.coarseNow()
        var scan = TreeScan(root: root)
        // A damaged index is healed by the batch below; until then no listing is reused.
        let (storedFolders, indexIsEmpty, dataVersion) = state.withLock { state in
            (
                (try? FolderStore(state.connection).all()) ?? [:],
                (try? state.connection.integer("SELECT count(*) FROM (SELECT 1 FROM files LIMIT 1)")) == 0,
                // Moves when another connection commits: the tree is marked current only if none did.
                try? state.connection.integer("PRAGMA data_version")
            )
        }
        scan.storedFolders = storedFolders
        scan.trustedDevice = PathEncoding.withCString(root) { FolderStamp.trustedDevice(of: $0) }
        // With nothing to compare a stat with, the read of each file takes its status.
        scan.statsFiles = !indexIsEmpty
        // Only a hash of the whole root leaves `directories` matching all of `files`.
        let isWholeRoot = prefixes.contains { $0.isEmpty || $0 == "/" }
        if isWholeRoot, let tree = unchangedTree(root: root, storedFolders: scan.storedFolders, trustedDevice: scan.trustedDevice) {
            return tree
        }
        let scanned = try scan.scan(under: prefixes)
        var batch = RecordsBatch(indexPath: path, root: root, scanned: scanned, checkedTime: checkedTime)
        batch.indexWasEmpty = indexIsEmpty
        let scopes = Self.scopes(of: prefixes)
        var healed = false
        while true {
            let output = try run(batch)
            let records = output.records
            let result = try state.withLock { (state) throws(HashingError) -> (directories: [String: Digest], changed: [String])? in
                do throws(SQLiteError) {
                    try storeFolders(scanned.folders, output: output, pathCount: batch.paths.count, stored: scan.storedFolders, scopes: scopes, checkedTime: checkedTime, state: &state)
                    if isWholeRoot && output.keptEveryEntry,
                        let stored = try storedDirectories(ifCurrentFor: records.count, connection: state.connection)
                    {
                        return (stored, [])
                    }
                    let directories = DirectoryDigests.compute(for: records, paths: batch.paths, recordPaths: output.recordPaths)
                    let changed = try storeDirectories(
                        directories,
                        under: prefixes,
                        markingCurrentFor: isWholeRoot ? (records.count, batch.paths, healed ? nil : dataVersion) : nil,
                        connection: state.connection
                    )
                    return (directories, changed)
                } catch where error.isCorruption && !healed {
                    // Closed first: closing later could delete the new index's WAL file.
                    state.connection.close()
                    state.connection = try Self.replaceDamaged(path: path, error: error, warnings: &state.warnings)
                    return nil
                } catch {
                    throw .index(path: path, operation: error.operation, message: error.message, code: error.code)
                }
            }
            guard let result else {
                healed = true
                continue
            }
            return Tree(records: records, directories: result.directories, changedDirectories: result.changed)
        }
    }

    /// Returns the stored directory nodes when `current_tree` marks them as the digests of the
    /// `fileCount` rows of `files`, or nil.
    ///
    /// With every scanned file kept as its row, and as many rows as files, the rows are exactly
    /// the scanned files, so the stored digests are the ones `DirectoryDigests` would compute.
    func storedDirectories(ifCurrentFor fileCount: Int, connection: SQLiteConnection) throws(SQLiteError) -> [String: Digest]? {
        let mark = try connection.prepare("SELECT file_count FROM current_tree")
        guard try mark.step(), mark.integer(at: 0) == Int64(fileCount) else { return nil }
        var stored: [String: Digest] = [:]
        let select = try connection.prepare("SELECT path, digest FROM directories")
        while try select.step() {
            guard let digest = select.withBlob(at: 1, { Digest(raw: $0) }) else { return nil }
            stored[PathEncoding.string(from: select.blob(at: 0))] = digest
        }
        return stored
    }

    /// Replaces the directory nodes under `prefixes` by `directories`, writing only the
    /// differences, and returns the paths of the nodes that changed. Nodes outside `prefixes`,
    /// such as the root's for a prefix, are neither stored nor reported.
    ///
    /// With `whole`, the digests are those of the whole root, made from the rows of
    /// `fileCount` files among `paths`, the paths the tree hash listed. The rows of other paths,
    /// left by files deleted since, are deleted. Then `current_tree` is marked if `files` has
    /// `fileCount` rows, which are exactly the hashed files, and no other connection committed
    /// since the index's data version was `dataVersion`. A nil `dataVersion` never marks.
    private func storeDirectories(
        _ directories: [String: Digest],
        under prefixes: [String],
        markingCurrentFor whole: (fileCount: Int, paths: PathList, dataVersion: Int64?)?,
        connection: SQLiteConnection
    ) throws(SQLiteError) -> [String] {
        let scopes = Self.scopes(of: prefixes)
        var stored: [[UInt8]: Digest] = [:]
        let select = try connection.prepare("SELECT path, digest FROM directories")
        while try select.step() {
            let path = select.blob(at: 0)
            if Self.isInScope(path, scopes), let digest = select.withBlob(at: 1, { Digest(raw: $0) }) {
                stored[path] = digest
            }
        }

        var upserts: [([UInt8], Digest)] = []
        for (path, digest) in directories {
            let key = PathEncoding.bytes(of: path)
            guard Self.isInScope(key, scopes) else { continue }
            if stored.removeValue(forKey: key) != digest {
                upserts.append((key, digest))
            }
        }
        let removals = Array(stored.keys)
        guard !upserts.isEmpty || !removals.isEmpty || whole != nil else { return [] }

        try connection.writeTransaction { () throws(SQLiteError) in
            let upsert = try connection.prepare("INSERT OR REPLACE INTO directories VALUES (?1, ?2)")
            for (key, digest) in upserts {
                upsert.bind(key, at: 1)
                upsert.bind(digest.bytes, at: 2)
                try upsert.run()
            }
            try connection.deleteRows(of: "directories", paths: removals)
            try connection.execute("DELETE FROM current_tree")
            guard let whole else { return }
            if try connection.integer("SELECT count(*) FROM files") > Int64(whole.fileCount) {
                try deleteRows(notIn: whole.paths, connection: connection)
            }
            // Checked inside the transaction, which keeps other writers out until it ends.
            guard let dataVersion = whole.dataVersion,
                try connection.integer("PRAGMA data_version") == dataVersion,
                try connection.integer("SELECT count(*) FROM files") == Int64(whole.fileCount)
            else { return }
            try connection.execute("INSERT INTO current_tree VALUES (\(whole.fileCount))")
        }
        let changed = upserts.map(\.0) + removals
        return changed.sorted { $0.lexicographicallyPrecedes($1) }.map { PathEncoding.string(from: $0) }
    }

    /// Deletes the rows of `files` whose path is not one of `paths`, merging the table's key
    /// order with the paths' byte order.
    private func deleteRows(notIn paths: PathList, connection: SQLiteConnection) throws(SQLiteError) {
        var stale: [[UInt8]] = []
        let select = try connection.prepare("SELECT path FROM files ORDER BY path")
        var position = 0
        while try select.step() {
            var order = 1
            while position < paths.count {
                order = select.withBlob(at: 0) { paths.compare($0, withPath: paths.index(atSortedPosition: position)) }
                guard order > 0 else { break }
                position += 1
            }
            if order != 0 {
                stale.append(select.blob(at: 0))
            }
        }
        try connection.deleteRows(of: "files", paths: stale)
    }

    /// Returns the relative paths of `prefixes` as bytes, without a trailing "/".
    static func scopes(of prefixes: [String]) -> [[UInt8]] {
        prefixes.map { PathEncoding.bytes(of: $0.hasSuffix("/") ? String($0.dropLast()) : $0) }
    }

    /// Returns whether `path` is one of `scopes` or lies under one. "" covers every path.
    static func isInScope(_ path: [UInt8], _ scopes: [[UInt8]]) -> Bool {
        scopes.contains { scope in
            scope.isEmpty || path == scope || (path.starts(with: scope) && path.count > scope.count && path[scope.count] == UInt8(ascii: "/"))
        }
    }
}
