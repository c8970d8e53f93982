#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// The stat data that decides whether a file may have changed: size, times, inode and mode.
///
/// Times are nanoseconds since the Unix epoch. Two equal values mean the file system reports no
/// change, which the index trusts except within the racy window (see `HashIndex`).
struct FileStatus: Hashable, Sendable {
    var size: Int64
    var modificationTime: Int64
    var changeTime: Int64
    var inode: UInt64
    /// The whole `st_mode`: file type and permission bits.
    var mode: UInt32

    init(size: Int64, modificationTime: Int64, changeTime: Int64, inode: UInt64, mode: UInt32) {
        self.size = size
        self.modificationTime = modificationTime
        self.changeTime = changeTime
        self.inode = inode
        self.mode = mode
    }

    init(_ status: stat) {
        size = Int64(status.st_size)
        modificationTime = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        changeTime = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
        inode = UInt64(status.st_ino)
        mode = UInt32(status.st_mode)
    }

    var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }
    var isSymbolicLink: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFLNK) }
    var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }

    /// A word for the file type, for messages: "directory", "FIFO", "socket" and so on.
    var typeName: String {
        switch mode & UInt32(S_IFMT) {
        case UInt32(S_IFREG): "regular file"
        case UInt32(S_IFDIR): "directory"
        case UInt32(S_IFLNK): "symbolic link"
        case UInt32(S_IFIFO): "FIFO"
        case UInt32(S_IFSOCK): "socket"
        case UInt32(S_IFCHR): "character device"
        case UInt32(S_IFBLK): "block device"
        default: "file of unknown type"
        }
    }
}

// MARK: - System calls on paths

enum FileSystem {
    /// Returns the status of `path` without following a final symbolic link, or nil when
    /// nothing is there (`ENOENT` or `ENOTDIR`).
    static func linkStatus(_ path: UnsafePointer<CChar>, displayPath: @autoclosure () -> String) throws(SystemError) -> FileStatus? {
        var status = stat()
        if lstat(path, &status) == 0 {
            return FileStatus(status)
        }
        let code = errno
        if code == ENOENT || code == ENOTDIR {
            return nil
        }
        throw SystemError(call: "lstat", subject: displayPath(), code: code)
    }

    /// Returns the status of what `path` leads to, following symbolic links, or nil when the
    /// link dangles, loops or leads through something that is not a folder.
    static func targetStatus(_ path: UnsafePointer<CChar>) -> FileStatus? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return FileStatus(status)
    }

    /// Returns the raw bytes of the symbolic link at `path`, as written.
    static func linkTarget(_ path: UnsafePointer<CChar>, displayPath: @autoclosure () -> String) throws(SystemError) -> [UInt8] {
        var capacity = 256
        while true {
            var bytes = [UInt8](repeating: 0, count: capacity)
            let count = bytes.withUnsafeMutableBufferPointer { buffer in
                readlink(path, UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), capacity)
            }
            if count < 0 {
                throw SystemError(call: "readlink", subject: displayPath(), code: errno)
            }
            if count < capacity {
                return Array(bytes[0..<count])
            }
            capacity *= 4
        }
    }

    /// The kernel's coarse real-time clock in nanoseconds: the clock that stamps file times,
    /// so a file written after this reading gets a modification time at or after it.
    static func coarseNow() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
