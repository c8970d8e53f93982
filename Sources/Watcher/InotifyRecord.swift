#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The bits of an inotify event mask, as `inotify_add_watch` takes them and `read` returns them.
public struct InotifyMask: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    private init(_ flag: Int32) {
        self.rawValue = UInt32(bitPattern: flag)
    }

    // MARK: Events

    public static let attributesChanged = InotifyMask(IN_ATTRIB)
    public static let closedAfterWriting = InotifyMask(IN_CLOSE_WRITE)
    public static let modified = InotifyMask(IN_MODIFY)
    public static let movedFrom = InotifyMask(IN_MOVED_FROM)
    public static let movedTo = InotifyMask(IN_MOVED_TO)
    public static let created = InotifyMask(IN_CREATE)
    public static let deleted = InotifyMask(IN_DELETE)
    public static let watchedFolderDeleted = InotifyMask(IN_DELETE_SELF)
    public static let watchedFolderMoved = InotifyMask(IN_MOVE_SELF)

    // MARK: Flags the kernel sets on returned events

    /// The kernel's queue overflowed and events were lost; the record's descriptor is -1.
    public static let queueOverflowed = InotifyMask(IN_Q_OVERFLOW)
    /// The watch is gone: removed by `inotify_rm_watch`, or its folder was deleted or unmounted.
    public static let watchRemoved = InotifyMask(IN_IGNORED)
    /// The event's subject is a folder.
    public static let isDirectory = InotifyMask(IN_ISDIR)

    // MARK: Flags for `inotify_add_watch`

    public static let onlyDirectory = InotifyMask(IN_ONLYDIR)
    public static let dontFollow = InotifyMask(IN_DONT_FOLLOW)
    public static let excludeUnlinked = InotifyMask(IN_EXCL_UNLINK)

    /// The mask every folder watch uses: content, attribute and name changes of the folder's entries,
    /// and the folder's own deletion or move.
    ///
    /// `IN_MODIFY` is left out: a file is reported once its writer closes it, so a long write gives
    /// one event instead of thousands.
    public static let folderWatch: InotifyMask = [
        .closedAfterWriting, .movedTo, .movedFrom, .created, .deleted,
        .watchedFolderDeleted, .watchedFolderMoved, .attributesChanged,
        .onlyDirectory, .dontFollow, .excludeUnlinked,
    ]
}

/// One record read from an inotify descriptor: the 16-byte `struct inotify_event` header and the name.
public struct InotifyRecord: Hashable, Sendable {
    /// The watch descriptor the event belongs to; -1 for a queue overflow.
    public var watchDescriptor: Int32
    public var mask: InotifyMask
    /// The number that pairs an `IN_MOVED_FROM` with its `IN_MOVED_TO`; 0 for other events.
    public var cookie: UInt32
    /// The entry's name inside the watched folder; empty for events about the folder itself.
    ///
    /// NOTE: a name that is not valid UTF-8 has its invalid bytes replaced by U+FFFD, so such a
    /// file is reported under a name that does not exist on disk.
    public var name: String

    public init(watchDescriptor: Int32, mask: InotifyMask, cookie: UInt32 = 0, name: String = "") {
        self.watchDescriptor = watchDescriptor
        self.mask = mask
        self.cookie = cookie
        self.name = name
    }

    /// The size of `struct inotify_event` without its name: `wd`, `mask`, `cookie` and `len`.
    public static let headerSize = 16

    /// Parses the records in `bytes`, as one `read` on an inotify descriptor returns them.
    ///
    /// Each record is a header in native byte order followed by `len` bytes of name, padded with NUL
    /// bytes. The kernel only returns whole records, so a trailing partial record means bytes were
    /// lost. The result then has `isComplete == false`, which the caller treats as an overflow.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> (records: [InotifyRecord], isComplete: Bool) {
        var records: [InotifyRecord] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= headerSize else {
                return (records, false)
            }
            let descriptor = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let nameLength = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard bytes.count - nameStart >= nameLength else {
                return (records, false)
            }
            let paddedName = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameStart + nameLength])
            let name = paddedName.prefix { $0 != 0 }
            records.append(InotifyRecord(
                watchDescriptor: descriptor,
                mask: InotifyMask(rawValue: mask),
                cookie: cookie,
                name: String(decoding: name, as: UTF8.self)
            ))
            offset = nameStart + nameLength
        }
        return (records, true)
    }

    /// Returns the bytes the kernel would return for `records`, each name NUL-padded to a multiple
    /// of 16 bytes.
    ///
    /// It is the inverse of `parse(_:)`, for building synthetic input.
    public static func encode(_ records: [InotifyRecord]) -> [UInt8] {
        var bytes: [UInt8] = []
        for record in records {
            let name = Array(record.name.utf8)
            let paddedLength = name.isEmpty ? 0 : (name.count / 16 + 1) * 16
            withUnsafeBytes(of: record.watchDescriptor) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: record.mask.rawValue) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: record.cookie) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(paddedLength)) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: name)
            bytes.append(contentsOf: repeatElement(0, count: paddedLength - name.count))
        }
        return bytes
    }
}
