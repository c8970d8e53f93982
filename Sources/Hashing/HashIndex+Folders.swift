extension HashIndex {
    /// Stores the listing of each folder of a tree hash, with the index entry of each of its
    /// regular files, where it differs from `stored`, and deletes the stored listings of
    /// folders under `scopes` that the scan no longer found.
    ///
    /// `output` is the batch of the same scan: its entries are what the index now holds for
    /// the files, so the listings agree with the `files` table.
    func storeFolders(
        _ listings: [FolderListing],
        output: RecordsBatch.Output,
        stored: [[UInt8]: StoredFolder],
        scopes: [[UInt8]],
        checkedTime: Int64,
        state: inout State
    ) throws(SQLiteError) {
        let recordsByFolder = Self.recordIndicesByFolder(output.records)
        var unseen = stored
        var upserts: [(path: [UInt8], folder: StoredFolder)] = []
        for listing in listings {
            guard let stamp = listing.stamp else { continue }
            let old = unseen.removeValue(forKey: listing.path)
            if listing.isReused {
                state.statistics.foldersReused += 1
            } else {
                state.statistics.foldersRead += 1
            }
            let indices = recordsByFolder[PathEncoding.string(from: listing.path)] ?? []
            let new = StoredFolder(
                stamp: stamp,
                checkedTime: listing.isReused ? old?.checkedTime ?? checkedTime : checkedTime,
                listing: Self.encodedListing(listing, records: output.records, entries: output.entries, indices: indices)
            )
            // A racy listing is stored again, with the later check time that may clear it.
            if let old, old.stamp == new.stamp, old.listing == new.listing, old.isTrustworthy || !new.isTrustworthy {
                continue
            }
            upserts.append((listing.path, new))
        }
        let removals = unseen.keys.filter { Self.isInScope($0, scopes) }
        try FolderStore(state.connection).write(upserts: upserts, removals: removals)
    }

    /// Returns `listing` in the layout of `ListingCoding`, with the entry of each file taken
    /// from `entries` at the record `indices` of its folder, in order.
    ///
    /// A file without a record of the same name (it vanished or could not be read) gets no
    /// entry, nor does a name that is not valid UTF-8, whose record path differs from its bytes.
    private static func encodedListing(_ listing: FolderListing, records: [FileRecord], entries: [IndexEntry], indices: [Int]) -> [UInt8] {
        var encoded: [UInt8] = []
        let prefixCount = listing.path.isEmpty ? 0 : listing.path.count + 1
        var next = 0
        listing.forEachName { name, isFolder in
            encoded.append(contentsOf: name)
            guard !isFolder else { return }
            let bareName = UnsafeRawBufferPointer(rebasing: name.dropLast())
            var entry: IndexEntry?
            if next < indices.count {
                let recordPath = records[indices[next]].path.utf8
                if recordPath.count == prefixCount + bareName.count, recordPath.suffix(bareName.count).elementsEqual(bareName) {
                    entry = entries[indices[next]]
                    next += 1
                }
            }
            ListingCoding.appendEntry(entry, to: &encoded)
        }
        return encoded
    }

    /// Returns the indices of `records` by the path of their folder ("" for the root), in order.
    private static func recordIndicesByFolder(_ records: [FileRecord]) -> [String: [Int]] {
        var byFolder: [String: [Int]] = [:]
        var currentFolder: Substring?
        var current: [Int] = []
        for (index, record) in records.enumerated() {
            let path = record.path
            let folder = path.lastIndex(of: "/").map { path[..<$0] } ?? path[path.startIndex..<path.startIndex]
            if folder != currentFolder {
                if let currentFolder {
                    byFolder[String(currentFolder), default: []].append(contentsOf: current)
                }
                currentFolder = folder
                current = []
            }
            current.append(index)
        }
        if let currentFolder {
            byFolder[String(currentFolder), default: []].append(contentsOf: current)
        }
        return byFolder
    }
}
