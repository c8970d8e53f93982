#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// The read loop of a `FileWatcher`: it carries out the watch tree's effects and feeds the
/// coalescer, on the watcher's own thread.
///
/// The loop owns the inotify descriptor and the read end of the wake-up pipe and closes both when
/// it ends. It blocks in `poll` without a timeout while no events are gathered, with the time left
/// until the quiet deadline while some are, and with the polling interval in the fallback.
struct WatchLoop: Sendable {
    /// The workspace root, with symbolic links resolved by `start()`.
    private var workspace: String
    private let pollingInterval: Duration
    private var tree: WatchTree
    private var coalescer: ChangeCoalescer
    private let wakeReader: Int32
    private let injector: RecordInjector
    private let continuation: AsyncStream<ChangeBatch>.Continuation
    /// The inotify instance; nil in the polling fallback.
    private var inotify: InotifyDescriptor?
    /// The last walk of the covered trees; set only in the polling fallback.
    private var snapshot: PollingSnapshot?
    private let forcesPolling: Bool
    private let simulatedWatchLimit: Int?

    /// The size of the buffer for one `read`: it must hold a header and `NAME_MAX + 1` bytes, and
    /// 64 KiB drains a burst of about a thousand records per call.
    static let bufferSize = 64 * 1024

    init(
        configuration: WatchConfiguration,
        wakeReader: Int32,
        injector: RecordInjector,
        continuation: AsyncStream<ChangeBatch>.Continuation
    ) {
        self.workspace = configuration.workspace
        self.pollingInterval = configuration.pollingInterval
        self.tree = WatchTree(scope: configuration.scope)
        self.coalescer = ChangeCoalescer(debounce: configuration.debounce)
        self.wakeReader = wakeReader
        self.injector = injector
        self.continuation = continuation
        self.forcesPolling = configuration.forcesPolling
        self.simulatedWatchLimit = configuration.simulatedWatchLimit
    }

    /// Watches the workspace root and every folder the scope needs, or takes the first walk when
    /// polling is forced.
    ///
    /// - Throws: `SystemError` when the workspace root cannot be watched or inotify cannot start.
    mutating func start() throws(SystemError) {
        guard let resolved = realpath(workspace, nil) else {
            throw SystemError(call: "realpath", subject: workspace, code: errno)
        }
        workspace = String(cString: resolved)
        free(resolved)
        guard !forcesPolling else {
            snapshot = PollingSnapshot.scan(workspace: workspace, scope: tree.scope)
            return
        }
        let descriptor = try InotifyDescriptor.open()
        inotify = descriptor
        if case .vanished = try descriptor.addWatch(workspace) {
            throw SystemError(call: "inotify_add_watch", subject: workspace, code: ENOTDIR)
        }
        perform(tree.initialEffects())
        handOverBatchNow()
    }

    /// Reads and hands over batches until the wake-up pipe becomes readable, then closes the
    /// descriptors and finishes the stream.
    mutating func run() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 8)
        defer {
            buffer.deallocate()
            close()
            continuation.finish()
        }
        while true {
            let isWoken: Bool
            if inotify == nil {
                isWoken = waitForWakeUp(timeout: pollingInterval)
                if !isWoken {
                    pollOnce()
                }
            } else {
                isWoken = readEvents(into: buffer)
            }
            if isWoken {
                return
            }
        }
    }

    /// The number of folders watched now; 0 in the polling fallback.
    var watchCount: Int { inotify == nil ? 0 : tree.watchCount }

    /// Closes the descriptors the loop owns.
    func close() {
        inotify?.close()
        injector.close()
        _ = Glibc.close(wakeReader)
    }

    // MARK: inotify

    /// Waits for records or the quiet deadline, applies the records, and hands over the batch once
    /// the tree is quiet. Returns true when woken for shutdown.
    private mutating func readEvents(into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard let descriptor = inotify else {
            return false
        }
        let timeout = coalescer.quietDeadline.map { Self.milliseconds(until: $0) } ?? -1
        var descriptors = [
            pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
            pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0),
            pollfd(fd: injector.reader, events: Int16(POLLIN), revents: 0),
        ]
        let ready = Glibc.poll(&descriptors, nfds_t(descriptors.count), timeout)
        if ready < 0 && errno != EINTR {
            warn(SystemError(call: "poll", subject: "inotify descriptor", code: errno))
            return true
        }
        if descriptors[0].revents != 0 {
            return true
        }
        if descriptors[1].revents != 0 {
            drain(descriptor, into: buffer)
        }
        if descriptors[2].revents != 0 {
            for record in injector.takeRecords() where inotify != nil {
                perform(tree.apply(record))
            }
        }
        if let deadline = coalescer.quietDeadline, ContinuousClock.now >= deadline {
            perform(tree.resolvePendingMoves())
            handOverBatchNow()
        }
        return false
    }

    /// Reads until the queue is empty and applies every record.
    private mutating func drain(_ descriptor: InotifyDescriptor, into buffer: UnsafeMutableRawBufferPointer) {
        while inotify != nil {
            let count: Int
            do {
                count = try descriptor.read(into: buffer)
            } catch {
                warn(error)
                switchToPolling()
                return
            }
            if count == 0 {
                return
            }
            let (records, isComplete) = InotifyRecord.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            for record in records where inotify != nil {
                perform(tree.apply(record))
            }
            if !isComplete {
                coalescer.add(.rescanNeeded, at: .now)
            }
            if tree.hasPendingMoves {
                coalescer.markBusy(at: .now)
            }
        }
    }

    /// Carries out `effects` and the effects they lead to, in order.
    private mutating func perform(_ effects: [WatchTree.Effect]) {
        var queue = effects
        var index = 0
        while index < queue.count, let descriptor = inotify {
            defer { index += 1 }
            switch queue[index] {
            case .report(let event):
                coalescer.add(event, at: .now)
            case .unwatch(let watch):
                descriptor.removeWatch(watch)
            case .watch(let folder, let kind):
                let path = folder.isEmpty ? workspace : workspace + "/" + folder
                if let limit = simulatedWatchLimit, tree.watchCount >= limit {
                    switchToPolling()
                    continue
                }
                do {
                    switch try descriptor.addWatch(path) {
                    case .added(let watch):
                        let entries = (try? DirectoryListing.entries(at: path)) ?? []
                        queue += tree.didWatch(
                            folder: folder,
                            descriptor: watch,
                            entries: entries,
                            existingFilesKind: kind
                        )
                    case .vanished:
                        tree.didFailToWatch(folder: folder)
                    case .limitReached:
                        switchToPolling()
                    }
                } catch {
                    coalescer.add(.warning("\(error); changes inside '\(folder)' are not seen"), at: .now)
                }
            }
        }
    }

    // MARK: Polling fallback

    /// Closes inotify and starts walking the covered trees every `pollingInterval`. It hands over a
    /// batch at once that requests a rescan and carries a warning naming the limit to raise.
    private mutating func switchToPolling() {
        inotify?.close()
        inotify = nil
        snapshot = PollingSnapshot.scan(workspace: workspace, scope: tree.scope)
        let interval = Self.milliseconds(in: pollingInterval)
        let message = "the inotify watch limit (fs.inotify.max_user_watches) is reached, so dagrun "
            + "checks the watched files every \(interval) ms instead; raise the limit, for example with "
            + "'sudo sysctl fs.inotify.max_user_watches=524288', and restart 'dagrun watch'"
        coalescer.add(.warning(message), at: .now)
        coalescer.add(.rescanNeeded, at: .now)
        handOverBatchNow()
    }

    /// Walks the covered trees once and hands over what changed since the last walk.
    private mutating func pollOnce() {
        let current = PollingSnapshot.scan(workspace: workspace, scope: tree.scope)
        if let previous = snapshot {
            for change in PollingSnapshot.changes(from: previous, to: current) {
                coalescer.add(.change(path: change.path, kind: change.kinds), at: .now)
            }
        }
        snapshot = current
        handOverBatchNow()
    }

    // MARK: Helpers

    private mutating func handOverBatchNow() {
        if let batch = coalescer.takeBatchNow() {
            continuation.yield(batch)
        }
    }

    private mutating func warn(_ error: SystemError) {
        coalescer.add(.warning("\(error)"), at: .now)
        handOverBatchNow()
    }

    /// Returns true when the wake-up pipe became readable within `timeout`.
    private func waitForWakeUp(timeout: Duration) -> Bool {
        var descriptor = pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&descriptor, 1, Self.milliseconds(in: timeout))
        return ready > 0 || (ready < 0 && errno != EINTR)
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        max(0, milliseconds(in: deadline - .now))
    }

    /// Returns `duration` in whole milliseconds, rounded up so a wait never ends early.
    private static func milliseconds(in duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
