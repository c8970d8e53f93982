/// The SQL of the `folders` table: the stored listing of each folder a tree hash read.
struct FolderStore {
    let connection: SQLiteConnection

    init(_ connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Returns every stored folder by path. Rows too short to hold a checksum are left out; a
    /// listing whose checksum does not match is returned, with `StoredFolder.isIntact` false.
    func all() throws(SQLiteError) -> [[UInt8]: StoredFolder] {
        var folders: [[UInt8]: StoredFolder] = [:]
        let select = try connection.prepare("SELECT path, mtime_ns, ctime_ns, inode, device, checked_ns, listing FROM folders")
        while try select.step() {
            let stamp = FolderStamp(
                modificationTime: select.integer(at: 1),
                changeTime: select.integer(at: 2),
                inode: UInt64(bitPattern: select.integer(at: 3)),
                device: UInt64(bitPattern: select.integer(at: 4))
            )
            // The listing's checksum follows it in the same BLOB.
            let parts = select.withBlob(at: 6) { blob -> (listing: [UInt8], checksum: UInt64)? in
                guard blob.count >= 8 else { return nil }
                let checksum = blob.loadUnaligned(fromByteOffset: blob.count - 8, as: UInt64.self)
                return (Array(UnsafeRawBufferPointer(rebasing: blob[..<(blob.count - 8)])), checksum)
            }
            guard let parts else { continue }
            folders[select.blob(at: 0)] = StoredFolder(
                stamp: stamp,
                checkedTime: select.integer(at: 5),
                listing: parts.listing,
                checksum: parts.checksum
            )
        }
        return folders
    }

    /// Replaces the rows of `upserts` and deletes those of `removals`, in one transaction.
    /// Writes nothing, and starts no transaction, when both are empty.
    func write(upserts: [(path: [UInt8], folder: StoredFolder)], removals: [[UInt8]]) throws(SQLiteError) {
        guard !upserts.isEmpty || !removals.isEmpty else { return }
        try connection.writeTransaction { () throws(SQLiteError) in
            let upsert = try connection.prepare("INSERT OR REPLACE INTO folders VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            for (path, folder) in upserts {
                upsert.bind(path, at: 1)
                upsert.bind(folder.stamp.modificationTime, at: 2)
                upsert.bind(folder.stamp.changeTime, at: 3)
                upsert.bind(Int64(bitPattern: folder.stamp.inode), at: 4)
                upsert.bind(Int64(bitPattern: folder.stamp.device), at: 5)
                upsert.bind(folder.checkedTime, at: 6)
                var stored = folder.listing
                withUnsafeBytes(of: folder.checksum) { stored.append(contentsOf: $0) }
                upsert.bind(stored, at: 7)
                try upsert.run()
            }
            try connection.deleteRows(of: "folders", paths: removals)
        }
    }
}
