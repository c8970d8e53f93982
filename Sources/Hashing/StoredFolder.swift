#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CSystem

/// A folder's listing as the hash index stored it, with the folder's stat data from just before
/// the listing was read.
///
/// Adding, removing or renaming an entry sets the folder's modification and change times. So a
/// folder whose stat data still matches has the same entries, and a scan reuses the listing
/// instead of reading the folder again, then stats the files by their stored names. The listing is
/// trusted only where that is true (see `isTrustworthy` and `FolderStamp.trustedDevice(of:)`).
/// Files whose content changes leave their folder's times alone, so every file is still
/// stat'ed.
struct StoredFolder: Sendable {
    var stamp: FolderStamp
    /// The kernel's coarse real-time clock just before the folder was stat'ed, in nanoseconds.
    var checkedTime: Int64
    /// The sorted entries with the index entry of each regular file, in the layout of
    /// `ListingCoding`.
    var listing: [UInt8]
    /// `ListingCoding.checksum(of:)` of `listing` when it was stored.
    var checksum: UInt64

    init(stamp: FolderStamp, checkedTime: Int64, listing: [UInt8], checksum: UInt64? = nil) {
        self.stamp = stamp
        self.checkedTime = checkedTime
        self.listing = listing
        self.checksum = checksum ?? listing.withUnsafeBytes { ListingCoding.checksum(of: $0) }
    }

    /// Opens the folder at `path`, relative to the folder descriptor `directory`, for lookups
    /// only, and returns the descriptor if the folder still has the stored stamp. Returns nil,
    /// with nothing left open, when it cannot be opened or its stamp differs. The caller
    /// closes the descriptor.
    func openIfUnchanged(_ path: UnsafePointer<CChar>, relativeTo directory: Int32 = AT_FDCWD) -> Int32? {
        let descriptor = openat(directory, path, PathObserver.pathOnly | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        guard FolderStamp.of(descriptor: descriptor) == stamp else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// Whether `listing` still has the checksum it was stored with.
    var isIntact: Bool {
        listing.withUnsafeBytes { ListingCoding.checksum(of: $0) } == checksum
    }

    /// Whether the listing can stand in for reading the folder: false when the folder was
    /// modified within `HashIndex.racyWindow` of its check, because a later change in the same
    /// timestamp tick would leave its modification time unchanged. (A recent change time alone
    /// does no harm: a later entry change would still move the old modification time.)
    var isTrustworthy: Bool {
        stamp.modificationTime < checkedTime - HashIndex.racyWindow
    }
}

/// The stat data of a folder that changes with its entries.
struct FolderStamp: Hashable, Sendable {
    var modificationTime: Int64
    var changeTime: Int64
    var inode: UInt64
    var device: UInt64

    init(modificationTime: Int64, changeTime: Int64, inode: UInt64, device: UInt64) {
        self.modificationTime = modificationTime
        self.changeTime = changeTime
        self.inode = inode
        self.device = device
    }

    init(_ status: stat) {
        modificationTime = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        changeTime = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
        inode = UInt64(status.st_ino)
        device = UInt64(status.st_dev)
    }

    /// Returns the stamp of the open folder `descriptor`, or nil when `fstat` fails.
    static func of(descriptor: Int32) -> FolderStamp? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return FolderStamp(status)
    }

    /// Returns the device of the folder at `path` when its file system is one whose folder
    /// times are known to change with every entry change, or nil.
    ///
    /// Local disk file systems and tmpfs qualify. Network and FUSE file systems do not: a
    /// client can cache a folder's attributes, or the server can change it unseen, so their
    /// folders are always read.
    static func trustedDevice(of path: UnsafePointer<CChar>) -> UInt64? {
        var type: UInt64 = 0
        var status = stat()
        guard csystem_file_system_type(path, &type) == 0, stat(path, &status) == 0 else { return nil }
        return trustedFileSystems.contains(type & 0xFFFF_FFFF) ? UInt64(status.st_dev) : nil
    }

    /// The `f_type` magic numbers of ext2/3/4, XFS, Btrfs, tmpfs, F2FS, overlayfs, ZFS and
    /// bcachefs, from `statfs(2)`.
    private static let trustedFileSystems: Set<UInt64> = [
        0xEF53, 0x5846_5342, 0x9123_683E, 0x0102_1994, 0xF2F5_2010, 0x794C_7630, 0x2FC1_2FC1, 0xCA45_1A4E,
    ]
}
