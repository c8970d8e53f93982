/// Gathers watch events into one batch until the tree has been quiet for the debounce.
///
/// The coalescer never reads the clock: callers pass the time of each event and ask for the
/// deadline, so the merging and the quiet rule are tested with synthetic events and instants. The
/// read loop sleeps in `poll` until the deadline, and takes the batch once it has passed without
/// new events.
///
/// NOTE: a tree that never goes quiet for the debounce (a process rewriting a watched file more
/// often than that) delays its batch for as long as the writes go on.
public struct ChangeCoalescer: Sendable {
    /// How long the tree must stay quiet before the gathered events form a batch.
    public let debounce: Duration

    private var kindsByPath: [String: ChangeKind] = [:]
    private var isRescanNeeded = false
    private var warnings: [String] = []
    private var lastEventTime: ContinuousClock.Instant?

    public init(debounce: Duration = .milliseconds(100)) {
        self.debounce = debounce
    }

    /// True when no event has been gathered since the last batch.
    public var isEmpty: Bool { lastEventTime == nil }

    /// The instant after which, without further events, the gathered events form a batch; nil when
    /// nothing is gathered.
    public var quietDeadline: ContinuousClock.Instant? {
        lastEventTime.map { $0 + debounce }
    }

    /// Adds `event`, which happened at `time`, and restarts the quiet period.
    public mutating func add(_ event: WatchEvent, at time: ContinuousClock.Instant) {
        switch event {
        case .change(let path, let kind):
            kindsByPath[path, default: []].formUnion(kind)
        case .rescanNeeded:
            isRescanNeeded = true
        case .warning(let message):
            if !warnings.contains(message) {
                warnings.append(message)
            }
        }
        lastEventTime = time
    }

    /// Restarts the quiet period without adding an event, for work that is still in flight (a
    /// folder rename waiting for its second half).
    public mutating func markBusy(at time: ContinuousClock.Instant) {
        lastEventTime = time
    }

    /// Returns the gathered batch and starts a new one once `now` is past the quiet deadline.
    ///
    /// Returns nil while events are recent, when nothing is gathered, and when only busy marks were
    /// gathered (that empty batch is dropped).
    public mutating func takeBatch(at now: ContinuousClock.Instant) -> ChangeBatch? {
        guard let deadline = quietDeadline, now >= deadline else {
            return nil
        }
        return takeBatchNow()
    }

    /// Returns the gathered batch regardless of the quiet period, and starts a new one; nil when the
    /// batch would be empty.
    public mutating func takeBatchNow() -> ChangeBatch? {
        let batch = ChangeBatch(
            changes: kindsByPath.map { FileChange(path: $0.key, kinds: $0.value) }.sorted { $0.path < $1.path },
            isRescanNeeded: isRescanNeeded,
            warnings: warnings
        )
        kindsByPath = [:]
        isRescanNeeded = false
        warnings = []
        lastEventTime = nil
        if batch.changes.isEmpty && !batch.isRescanNeeded && batch.warnings.isEmpty {
            return nil
        }
        return batch
    }
}
