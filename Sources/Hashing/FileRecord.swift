/// One file of a tree, as the hash index knows it.
public struct FileRecord: Sendable, Hashable {
    /// The path relative to the root: "/"-separated, without "./". Names that are not valid
    /// UTF-8 carry each invalid byte as a private-use scalar (see `TreeWalker`).
    public var path: String
    /// The SHA-256 of the content. For a symbolic link to a file, the target's content; for a
    /// link that dangles or leads to something other than a file, the bytes of the link's
    /// target path as written.
    public var digest: Digest
    /// The content size in bytes (for a dangling link, the length of its target path).
    public var size: Int64
    /// The permission bits of `st_mode` (`0o7777`): of the target for a link to a file.
    public var mode: UInt32
    /// The link's target as written, when the path is a symbolic link.
    public var linkTarget: String?

    public init(path: String, digest: Digest, size: Int64, mode: UInt32, linkTarget: String? = nil) {
        self.path = path
        self.digest = digest
        self.size = size
        self.mode = mode
        self.linkTarget = linkTarget
    }

    /// Whether any execute bit (owner, group or other) is set.
    public var isExecutable: Bool { mode & 0o111 != 0 }
}

/// The Merkle digests of the folders of a list of file records.
///
/// A folder's digest is the SHA-256 of its entries sorted by the bytes of their names. Each
/// entry is encoded as a kind byte (`d` folder, `f` file, `x` executable file, `l` symbolic
/// link), the name's length as 4 big-endian bytes, the name, then the 32-byte digest of the
/// file or folder, and for a link the target's length and bytes. So a folder's digest changes
/// exactly when a file below it is added, removed, renamed, edited, made executable or not, or
/// relinked; an empty folder has no entry, as folders without files are not tracked.
enum DirectoryDigests {
    private struct Entry {
        var name: [UInt8]
        var kind: UInt8
        var digest: Digest
        var linkTarget: [UInt8]?
    }

    /// Returns the digest of every folder that holds a file of `records`, keyed by its
    /// relative path ("" for the root).
    static func compute(for records: [FileRecord]) -> [String: Digest] {
        var entries: [[UInt8]: [Entry]] = [[]: []]
        for record in records {
            let path = PathEncoding.bytes(of: record.path)
            let (parent, name) = split(path)
            let kind = record.linkTarget != nil ? UInt8(ascii: "l") : record.isExecutable ? UInt8(ascii: "x") : UInt8(ascii: "f")
            let target = record.linkTarget.map(PathEncoding.bytes(of:))
            entries[parent, default: []].append(Entry(name: name, kind: kind, digest: record.digest, linkTarget: target))
            var folder = parent
            while !folder.isEmpty {
                let (grandparent, _) = split(folder)
                if entries[grandparent] != nil && entries[folder] != nil {
                    break
                }
                entries[grandparent, default: []].reserveCapacity(1)
                entries[folder, default: []].reserveCapacity(1)
                folder = grandparent
            }
        }

        // Deepest folders first, so each folder's subfolders are done before it.
        let folders = entries.keys.sorted { depth($0) > depth($1) }
        var digests: [String: Digest] = [:]
        for folder in folders {
            var children = entries[folder] ?? []
            children.sort { $0.name.lexicographicallyPrecedes($1.name) }
            let digest = digest(of: children)
            digests[PathEncoding.string(from: folder)] = digest
            if !folder.isEmpty {
                let (parent, name) = split(folder)
                entries[parent, default: []].append(Entry(name: name, kind: UInt8(ascii: "d"), digest: digest, linkTarget: nil))
            }
        }
        return digests
    }

    private static func digest(of children: [Entry]) -> Digest {
        var hasher = SHA256()
        for child in children {
            hasher.update(CollectionOfOne(child.kind))
            appendLengthPrefixed(child.name, to: &hasher)
            hasher.update(child.digest.bytes)
            if let target = child.linkTarget {
                appendLengthPrefixed(target, to: &hasher)
            }
        }
        return hasher.finalize()
    }

    private static func appendLengthPrefixed(_ bytes: [UInt8], to hasher: inout SHA256) {
        var length = UInt32(truncatingIfNeeded: bytes.count).bigEndian
        withUnsafeBytes(of: &length) { hasher.update($0) }
        hasher.update(bytes)
    }

    /// Splits a relative path into its parent folder ("" at the top) and its last name.
    private static func split(_ path: [UInt8]) -> (parent: [UInt8], name: [UInt8]) {
        guard let slash = path.lastIndex(of: UInt8(ascii: "/")) else {
            return ([], path)
        }
        return (Array(path[..<slash]), Array(path[(slash + 1)...]))
    }

    private static func depth(_ path: [UInt8]) -> Int {
        path.isEmpty ? 0 : path.reduce(1) { $0 + ($1 == UInt8(ascii: "/") ? 1 : 0) }
    }
}
