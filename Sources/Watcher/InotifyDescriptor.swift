#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// An inotify instance: the descriptor from `inotify_init1` and the calls on it.
///
/// The value only carries the number; `close()` must be called once, by the read loop that owns it.
struct InotifyDescriptor: Sendable {
    /// The outcome of adding a watch when the call did not fail outright.
    enum WatchResult: Equatable {
        case added(Int32)
        /// The folder vanished, or was replaced by a file, before the watch was added. The parent
        /// folder's watch reports that change, so this is no error.
        case vanished
        /// The per-user limit `fs.inotify.max_user_watches` is reached.
        case limitReached
    }

    let rawValue: Int32

    /// Opens a close-on-exec, non-blocking inotify instance.
    ///
    /// - Throws: `SystemError` from `inotify_init1`, such as `EMFILE` when the per-user limit
    ///   `fs.inotify.max_user_instances` is reached.
    static func open() throws(SystemError) -> InotifyDescriptor {
        let flags = Int32(IN_CLOEXEC | IN_NONBLOCK)
        let descriptor = try retryingInterrupts("inotify_init1") { inotify_init1(flags) }
        return InotifyDescriptor(rawValue: descriptor)
    }

    /// Adds a watch with `InotifyMask.folderWatch` on the folder at `path`.
    ///
    /// - Throws: `SystemError` from `inotify_add_watch` for failures other than a vanished folder
    ///   or the watch limit, such as `EACCES`.
    func addWatch(_ path: String) throws(SystemError) -> WatchResult {
        let mask = InotifyMask.folderWatch.rawValue
        let descriptor = inotify_add_watch(rawValue, path, mask)
        if descriptor >= 0 {
            return .added(descriptor)
        }
        let code = errno
        switch code {
        case ENOENT, ENOTDIR:
            return .vanished
        case ENOSPC:
            return .limitReached
        default:
            throw SystemError(call: "inotify_add_watch", subject: path, code: code)
        }
    }

    /// Removes the watch `descriptor`; a watch the kernel already dropped (`EINVAL`) is no error.
    func removeWatch(_ descriptor: Int32) {
        _ = inotify_rm_watch(rawValue, descriptor)
    }

    /// Reads what is queued into `buffer` and returns the number of bytes read; 0 when nothing is
    /// queued.
    ///
    /// - Throws: `SystemError` from `read`.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let count = Glibc.read(rawValue, buffer.baseAddress, buffer.count)
            if count >= 0 {
                return count
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN:
                return 0
            default:
                throw SystemError(call: "read", subject: "inotify descriptor", code: errno)
            }
        }
    }

    func close() {
        _ = Glibc.close(rawValue)
    }
}
