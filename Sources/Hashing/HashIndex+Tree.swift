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
        let (storedFolders, indexIsEmpty) = state.withLock { state in
            ((try? FolderStore(state.connection).all()) ?? [:], (try? state.connection.integer("SELECT count(*) FROM (SELECT 1 FROM files LIMIT 1)")) == 0)
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
                        markingCurrentFor: isWholeRoot ? records.count : nil,
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
    /// differences, and returns the paths of the nodes that changed.
    ///
    /// With `fileCount`, the digests are those of the whole root, and `current_tree` is marked
    /// if `files` has that many rows, which are then exactly the hashed files.
    private func storeDirectories(
        _ directories: [String: Digest],
        under prefixes: [String],
        markingCurrentFor fileCount: Int?,
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
            if stored.removeValue(forKey: key) != digest {
                upserts.append((key, digest))
            }
        }
        let removals = Array(stored.keys)
        // NOTE: rows of deleted files stay in `files`, so such a tree is never marked current.
        var marksCurrent = false
        if let fileCount {
            marksCurrent = try connection.integer("SELECT count(*) FROM files") == Int64(fileCount)
        }
        guard !upserts.isEmpty || !removals.isEmpty || marksCurrent else { return [] }

        try connection.writeTransaction { () throws(SQLiteError) in
            let upsert = try connection.prepare("INSERT OR REPLACE INTO directories VALUES (?1, ?2)")
            for (key, digest) in upserts {
                upsert.bind(key, at: 1)
                upsert.bind(digest.bytes, at: 2)
                try upsert.run()
            }
            try connection.deleteRows(of: "directories", paths: removals)
            // Counted again inside the transaction, in case another process wrote in between.
            try connection.execute("DELETE FROM current_tree")
            if marksCurrent, let fileCount, try connection.integer("SELECT count(*) FROM files") == Int64(fileCount) {
                try connection.execute("INSERT INTO current_tree VALUES (\(fileCount))")
            }
        }
        let changed = upserts.map(\.0) + removals
        return changed.sorted { $0.lexicographicallyPrecedes($1) }.map { PathEncoding.string(from: $0) }
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
