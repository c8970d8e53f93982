extension HashIndex {
    /// Stores the listing of each folder of a tree hash, with the index entry of each of its
    /// regular files, where it differs from `stored`, and deletes the stored listings of
    /// folders under `scopes` that the scan no longer found.
    ///
    /// `output` is the batch of the same scan: its entries are what the index now holds for
    /// the files, so the listings agree with the `files` table. The listings are encoded and
    /// compared on all cores.
    func storeFolders(
        _ listings: [FolderListing],
        output: RecordsBatch.Output,
        pathCount: Int,
        stored: [[UInt8]: StoredFolder],
        scopes: [[UInt8]],
        checkedTime: Int64,
        state: inout State
    ) throws(SQLiteError) {
        // The record of each path index, or -1 for a path without one.
        var recordOfPath = [Int32](repeating: -1, count: pathCount)
        for (record, pathIndex) in output.recordPaths.enumerated() {
            recordOfPath[Int(pathIndex)] = Int32(truncatingIfNeeded: record)
        }
        let records = recordOfPath
        let entries = output.entries
        let changed = ParallelWork.map(count: listings.count, makeContext: {}) { index, _ -> StoredFolder? in
            let listing = listings[index]
            guard let stamp = listing.stamp else { return nil }
            let old = stored[listing.path]
            let new = StoredFolder(
                stamp: stamp,
                checkedTime: listing.isReused ? old?.checkedTime ?? checkedTime : checkedTime,
                listing: Self.encodedListing(listing, records: records, entries: entries)
            )
            // A racy listing is stored again, with the later check time that may clear it.
            if let old, old.stamp == new.stamp, old.listing == new.listing, old.isIntact, old.isTrustworthy || !new.isTrustworthy {
                return nil
            }
            return new
        }

        var unseen = stored
        var upserts: [(path: [UInt8], folder: StoredFolder)] = []
        for (listing, new) in zip(listings, changed) where listing.stamp != nil {
            unseen.removeValue(forKey: listing.path)
            if listing.isReused {
                state.statistics.foldersReused += 1
            } else {
                state.statistics.foldersRead += 1
            }
            if let new {
                upserts.append((listing.path, new))
            }
        }
        let removals = unseen.keys.filter { Self.isInScope($0, scopes) }
        try FolderStore(state.connection).write(upserts: upserts, removals: removals)
    }

    /// Returns `listing` in the layout of `ListingCoding`, with the entry of each file found
    /// through `records`, the record of each path index, in `entries`.
    ///
    /// A file without a record (it vanished or could not be read) gets no entry. So do all
    /// files of a listing without `fileIndices`.
    private static func encodedListing(_ listing: FolderListing, records: [Int32], entries: [IndexEntry]) -> [UInt8] {
        var encoded: [UInt8] = []
        encoded.reserveCapacity(listing.names.count + listing.entries.count * (ListingCoding.entrySize + 1))
        var file = 0
        listing.forEachName { name, isFolder in
            encoded.append(contentsOf: name)
            guard !isFolder else { return }
            var entry: IndexEntry?
            if file < listing.fileIndices.count {
                let record = records[Int(listing.fileIndices[file])]
                entry = record >= 0 ? entries[Int(record)] : nil
            }
            file += 1
            ListingCoding.appendEntry(entry, to: &encoded)
        }
        return encoded
    }
}
