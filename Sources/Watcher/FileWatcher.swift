#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Foundation
import Synchronization

/// The settings of a `FileWatcher`: the workspace, the watch scope, the debounce and the polling fallback.
public struct WatchConfiguration: Sendable {
    /// The absolute path of the workspace root, the folder that contains `workflow.yml`.
    public var workspace: String
    public var scope: WatchScope
    /// How long the tree must stay quiet before the gathered changes form a batch.
    public var debounce: Duration
    /// How often the polling fallback walks the covered trees.
    public var pollingInterval: Duration
    /// True to poll from the start instead of using inotify, as if the watch limit were reached.
    public var forcesPolling: Bool
    /// A watch count at which adding a watch acts as if the kernel's limit were reached, so tests
    /// reach the switch to polling without lowering `fs.inotify.max_user_watches`.
    var simulatedWatchLimit: Int?

    public init(
        workspace: String,
        scope: WatchScope,
        debounce: Duration = .milliseconds(100),
        pollingInterval: Duration = .milliseconds(500),
        forcesPolling: Bool = false
    ) {
        self.workspace = workspace
        self.scope = scope
        self.debounce = debounce
        self.pollingInterval = pollingInterval
        self.forcesPolling = forcesPolling
    }
}

/// Watches the covered trees of a workspace with inotify and hands over batches of changed paths.
///
/// inotify watches single folders, so the watcher adds a watch on every folder that leads to or
/// lies under a watched prefix, lists each folder right after watching it, and repeats both for
/// every folder created or moved in later. Files found in such a new folder are reported, because
/// they may have been written before its watch existed.
///
/// A dedicated thread blocks in `poll` on the inotify descriptor and a wake-up pipe, so the
/// watcher uses no CPU while nothing changes. When the per-user watch limit is reached it warns,
/// reports a rescan, and falls back to walking the covered trees every `pollingInterval`.
///
/// The watcher is thread-safe. `stop()`, or releasing the watcher, ends the thread and finishes
/// `batches`.
public final class FileWatcher: Sendable {
    /// The batches, each handed over once the tree has been quiet for the debounce; finished after
    /// `stop()`.
    public let batches: AsyncStream<ChangeBatch>

    /// The number of folders watched once the initial watches were set up; 0 when polling.
    public let initialWatchCount: Int

    private let wakeUp: WakeUpPipe
    private let injector: RecordInjector

    /// Watches every folder that `configuration` needs, then starts the thread that reads events.
    ///
    /// Changes made after this returns are reported; what the tree held before is not.
    ///
    /// - Throws: `SystemError` when the workspace cannot be watched (missing, or not a folder) or
    ///   when a pipe or the inotify instance cannot be created.
    public init(_ configuration: WatchConfiguration) throws(SystemError) {
        let pipe = try PipeDescriptors.make()
        let injector: RecordInjector
        do {
            injector = try RecordInjector()
        } catch {
            _ = Glibc.close(pipe.reader)
            _ = Glibc.close(pipe.writer)
            throw error
        }
        let wakeUp = WakeUpPipe(writer: pipe.writer)
        let (stream, continuation) = AsyncStream.makeStream(of: ChangeBatch.self)
        continuation.onTermination = { _ in wakeUp.wake() }

        var loop = WatchLoop(
            configuration: configuration,
            wakeReader: pipe.reader,
            injector: injector,
            continuation: continuation
        )
        do {
            try loop.start()
        } catch {
            loop.close()
            wakeUp.wake()
            throw error
        }
        self.batches = stream
        self.initialWatchCount = loop.watchCount
        self.wakeUp = wakeUp
        self.injector = injector

        let thread = Thread { [loop] in
            // With Swift 6.3.1 on Linux, a name set before `start()` never reaches the kernel, so
            // tools such as `top -H` would show the creating thread's name instead.
            Thread.current.name = "dagrun-watch"
            var loop = loop
            loop.run()
        }
        thread.start()
    }

    deinit {
        wakeUp.wake()
    }

    /// Wakes the read thread, which closes its descriptors and finishes `batches`; later calls do
    /// nothing. Returns at once, without waiting for the thread to end.
    public func stop() {
        wakeUp.wake()
    }

    /// Hands `record` to the read thread as if the kernel had queued it; does nothing once the
    /// thread has ended.
    ///
    /// A test seam: the kernel cannot be made to send `IN_Q_OVERFLOW` on demand, and tests need
    /// the real thread's response to it.
    func inject(_ record: InotifyRecord) {
        injector.inject(record)
    }
}

/// The write end of the pipe that wakes the read thread for shutdown.
final class WakeUpPipe: Sendable {
    /// The write descriptor, or nil once it is closed. Guarded so that only one caller closes it.
    private let writer: Mutex<Int32?>

    init(writer: Int32) {
        self.writer = Mutex(writer)
    }

    /// Closes the write end, so `poll` on the read end returns `POLLHUP`; later calls do nothing.
    ///
    /// Closing instead of writing a byte cannot raise `SIGPIPE` when the reader is already gone.
    func wake() {
        let descriptor = writer.withLock { writer in
            defer { writer = nil }
            return writer
        }
        guard let descriptor else {
            return
        }
        _ = Glibc.close(descriptor)
    }
}
