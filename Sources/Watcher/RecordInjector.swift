#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Synchronization

/// Records that tests hand to a watcher's read thread, with the pipe that wakes the thread for
/// them.
///
/// The read thread polls `reader` beside the inotify descriptor, so a record injected while it
/// sleeps is applied at once, through the same path as the kernel's records. Writes and `close()`
/// share one lock, so a write never reaches a pipe whose read end is closed (no `SIGPIPE`).
final class RecordInjector: Sendable {
    private struct State {
        var records: [InotifyRecord] = []
        var isOpen = true
    }

    /// The read end of the wake-up pipe, polled by the read thread.
    let reader: Int32
    private let writer: Int32
    private let state = Mutex(State())

    /// - Throws: `SystemError` from `pipe2`.
    init() throws(SystemError) {
        let pipe = try PipeDescriptors.make()
        reader = pipe.reader
        writer = pipe.writer
    }

    /// Queues `record` and wakes the read thread; does nothing after `close()`.
    func inject(_ record: InotifyRecord) {
        state.withLock { state in
            guard state.isOpen else {
                return
            }
            state.records.append(record)
            var byte: UInt8 = 1
            _ = Glibc.write(writer, &byte, 1)
        }
    }

    /// Consumes the wake-up bytes and returns the queued records, oldest first.
    ///
    /// Call it only after `poll` reported `reader` readable, because the read would otherwise block.
    func takeRecords() -> [InotifyRecord] {
        var bytes = [UInt8](repeating: 0, count: 64)
        _ = Glibc.read(reader, &bytes, bytes.count)
        return state.withLock { state in
            defer { state.records = [] }
            return state.records
        }
    }

    /// Closes both ends of the pipe; later injections do nothing.
    func close() {
        state.withLock { state in
            guard state.isOpen else {
                return
            }
            state.isOpen = false
            _ = Glibc.close(reader)
            _ = Glibc.close(writer)
        }
    }
}
