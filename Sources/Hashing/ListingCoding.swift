#if canImport(Glibc)
import Glibc
#endif

/// The byte layout of `StoredFolder.listing`: each entry's name, then what the index knew of
/// the file when the listing was stored.
///
/// Entries follow in `FolderListing` order. Each is its name, "/" after a folder's name, and a
/// NUL. A file's entry goes on with one byte: 1 when the index entry of a regular file follows,
/// 0 when nothing does (a symbolic link, or a file that could not be hashed). The index entry
/// is size, modification time, change time, inode, check time (8 bytes each), mode (4 bytes)
/// and the 32-byte digest, in the machine's byte order: the index never leaves the machine.
enum ListingCoding {
    /// The bytes of a file's index entry after its flag byte.
    static let entrySize = 8 * 5 + 4 + 32

    /// Returns a 64-bit checksum of `listing` and its length, stored with it so that a row
    /// damaged in a way SQLite cannot see (cut short, bytes changed) is not trusted.
    ///
    /// Not cryptographic: it guards against damage, not against someone who edits the index.
    static func checksum(of listing: UnsafeRawBufferPointer) -> UInt64 {
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(listing.count)
        var offset = 0
        while offset + 8 <= listing.count {
            hash = mix(hash ^ listing.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < listing.count {
            tail = tail << 8 | UInt64(listing[offset])
            offset += 1
        }
        return mix(hash ^ tail)
    }

    /// Multiplies and folds, so that every input bit moves many output bits.
    private static func mix(_ value: UInt64) -> UInt64 {
        let product = value &* 0xFF51_AFD7_ED55_8CCD
        return product ^ (product >> 33)
    }

    /// One entry of a stored listing.
    struct Element {
        /// The offset of the name in the listing; it ends at a NUL, after the "/" of a folder.
        var nameStart: Int
        /// The name's length, without the "/" that follows a folder's name.
        var nameCount: Int
        var isFolder: Bool
        /// The index entry stored for a regular file; nil for folders and other files.
        var entry: IndexEntry?
    }

    /// Calls `body` with each entry of `listing` in order, decoding stored index entries only
    /// when `decodesEntries` is true. Stops at the first malformed entry and returns false.
    @discardableResult
    static func forEachElement(of listing: UnsafeRawBufferPointer, decodesEntries: Bool, _ body: (Element) -> Void) -> Bool {
        var offset = 0
        while offset < listing.count {
            let start = offset
            guard let base = listing.baseAddress, let end = memchr(base + start, 0, listing.count - start) else { return false }
            offset = base.distance(to: UnsafeRawPointer(end))
            let isFolder = offset > start && listing[offset - 1] == UInt8(ascii: "/")
            let count = offset - start - (isFolder ? 1 : 0)
            offset += 1
            var entry: IndexEntry?
            if !isFolder {
                guard offset < listing.count else { return false }
                let flag = listing[offset]
                offset += 1
                if flag == 1 {
                    guard offset + entrySize <= listing.count else { return false }
                    if decodesEntries {
                        entry = decodeEntry(UnsafeRawBufferPointer(rebasing: listing[offset..<offset + entrySize]))
                    }
                    offset += entrySize
                }
            }
            body(Element(nameStart: start, nameCount: count, isFolder: isFolder, entry: entry))
        }
        return true
    }

    /// Appends the index entry of a regular file, with its flag byte, or the flag byte alone
    /// for nil.
    static func appendEntry(_ entry: IndexEntry?, to listing: inout [UInt8]) {
        guard let entry, entry.linkTarget == nil else {
            listing.append(0)
            return
        }
        listing.append(1)
        // A tuple's fields lie in order without padding before the last one: 5 * 8 + 4 bytes.
        let fields = (
            entry.status.size, entry.status.modificationTime, entry.status.changeTime,
            Int64(bitPattern: entry.status.inode), entry.checkedTime, entry.status.mode
        )
        withUnsafeBytes(of: fields) { listing.append(contentsOf: $0) }
        entry.digest.withRawBytes { listing.append(contentsOf: $0) }
    }

    private static func decodeEntry(_ bytes: UnsafeRawBufferPointer) -> IndexEntry? {
        guard let digest = Digest(raw: UnsafeRawBufferPointer(rebasing: bytes[44..<76])) else { return nil }
        let status = FileStatus(
            size: bytes.loadUnaligned(fromByteOffset: 0, as: Int64.self),
            modificationTime: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self),
            changeTime: bytes.loadUnaligned(fromByteOffset: 16, as: Int64.self),
            inode: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self),
            mode: bytes.loadUnaligned(fromByteOffset: 40, as: UInt32.self)
        )
        return IndexEntry(status: status, digest: digest, linkTarget: nil, checkedTime: bytes.loadUnaligned(fromByteOffset: 32, as: Int64.self))
    }
}
