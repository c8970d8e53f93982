/// The Merkle digests of the folders of a list of file records.
///
/// A folder's digest is the SHA-256 of its entries sorted by the bytes of their names. Each
/// entry is encoded as a kind byte (`d` folder, `f` file, `x` executable file, `l` symbolic
/// link), the name's length as 4 big-endian bytes, the name, then the 32-byte digest of the
/// file or folder, and for a link the target's length and bytes. So a folder's digest changes
/// exactly when a file below it is added, removed, renamed, edited, made executable or not, or
/// relinked; an empty folder has no entry, as folders without files are not tracked.
///
/// The records are visited in path byte order, where everything under a folder is contiguous,
/// so a stack of the folders above the current record is enough: a folder is hashed when the
/// walk leaves it, and its digest becomes an entry of the folder below it on the stack.
enum DirectoryDigests {
    private struct Entry {
        /// The name's offset and length in the `names` buffer of `compute(for:)`.
        var nameStart: Int
        var nameCount: Int
        var kind: UInt8
        var digest: Digest
        /// The index in `records` of the record, for the target of kind `l` (-1 for a folder).
        var record: Int
    }

    /// A folder on the stack: its relative path and its entries so far.
    private struct Folder {
        var path: [UInt8]
        var entries: [Entry] = []
    }

    /// Returns the digest of every folder that contains a file of `records`, keyed by its
    /// relative path ("" for the root).
    static func compute(for records: [FileRecord]) -> [String: Digest] {
        let paths = PathList(records.map(\.path))
        let order = (0..<paths.count).lazy.map { position in
            let index = paths.index(atSortedPosition: position)
            return (record: index, path: index)
        }
        return compute(for: records, paths: paths, order: order)
    }

    /// Returns the digest of every folder of `records`, which are sorted by path bytes, where
    /// the path of `records[i]` is path `recordPaths[i]` of `paths`.
    static func compute(for records: [FileRecord], paths: PathList, recordPaths: [Int32]) -> [String: Digest] {
        let order = recordPaths.indices.lazy.map { (record: $0, path: Int(recordPaths[$0])) }
        return compute(for: records, paths: paths, order: order)
    }

    /// Visits the records in `order`, which is by path bytes, and names each record's path in `paths`.
    private static func compute(
        for records: [FileRecord],
        paths: PathList,
        order: some Sequence<(record: Int, path: Int)>
    ) -> [String: Digest] {
        var names: [UInt8] = []
        var digests: [String: Digest] = [:]
        var stack = [Folder(path: [])]

        func finishTop() {
            var folder = stack.removeLast()
            let digest = digest(of: &folder.entries, names: names, records: records)
            digests[PathEncoding.string(from: folder.path)] = digest
            guard !stack.isEmpty else { return }
            let nameStart = names.count
            let name = folder.path[(folder.path.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0)...]
            names.append(contentsOf: name)
            stack[stack.count - 1].entries.append(Entry(nameStart: nameStart, nameCount: name.count, kind: UInt8(ascii: "d"), digest: digest, record: -1))
        }

        for (recordIndex, index) in order {
            paths.withPath(index) { path in
                let parentCount = paths.parentLength(of: index)
                let parent = path[..<parentCount]
                // Leave the folders that are not the record's parent or above it.
                while !isAncestor(stack[stack.count - 1].path, of: parent) {
                    finishTop()
                }
                // Enter the folders between the innermost open one and the parent.
                var depthEnd = stack[stack.count - 1].path.count
                while depthEnd < parentCount {
                    let start = depthEnd == 0 ? 0 : depthEnd + 1
                    var end = start
                    while end < parentCount && path[end] != UInt8(ascii: "/") {
                        end += 1
                    }
                    stack.append(Folder(path: Array(path[..<end])))
                    depthEnd = end
                }
                let record = records[recordIndex]
                let kind = record.linkTarget != nil ? UInt8(ascii: "l") : record.isExecutable ? UInt8(ascii: "x") : UInt8(ascii: "f")
                let nameStart = names.count
                let name = path[(parentCount == 0 ? 0 : parentCount + 1)...]
                names.append(contentsOf: name)
                stack[stack.count - 1].entries.append(Entry(nameStart: nameStart, nameCount: name.count, kind: kind, digest: record.digest, record: recordIndex))
            }
        }
        while !stack.isEmpty {
            finishTop()
        }
        return digests
    }

    /// Returns whether `folder` is `path` or a folder above it ("" is above everything).
    private static func isAncestor(_ folder: [UInt8], of path: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        if folder.isEmpty {
            return true
        }
        guard path.count >= folder.count, path.starts(with: folder) else { return false }
        return path.count == folder.count || path[path.startIndex + folder.count] == UInt8(ascii: "/")
    }

    /// Sorts `entries` by name and returns the digest of their encoding.
    private static func digest(of entries: inout [Entry], names: [UInt8], records: [FileRecord]) -> Digest {
        names.withUnsafeBytes { all in
            func name(_ entry: Entry) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: all[entry.nameStart..<entry.nameStart + entry.nameCount])
            }
            entries.sort { first, second in
                let secondName = name(second)
                return compareBytes(name(first), secondName.baseAddress ?? all.baseAddress!, secondName.count) < 0
            }
            var hasher = SHA256()
            for entry in entries {
                hasher.update(CollectionOfOne(entry.kind))
                appendLengthPrefixed(name(entry), to: &hasher)
                entry.digest.withRawBytes { hasher.update($0) }
                if entry.kind == UInt8(ascii: "l"), let target = records[entry.record].linkTarget {
                    PathEncoding.bytes(of: target).withUnsafeBytes { appendLengthPrefixed($0, to: &hasher) }
                }
            }
            return hasher.finalize()
        }
    }

    private static func appendLengthPrefixed(_ bytes: UnsafeRawBufferPointer, to hasher: inout SHA256) {
        var length = UInt32(truncatingIfNeeded: bytes.count).bigEndian
        withUnsafeBytes(of: &length) { hasher.update($0) }
        hasher.update(bytes)
    }
}
