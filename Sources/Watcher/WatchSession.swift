import Basics
import Engine
import Synchronization

/// `dagrun watch`: a normal run of the requested jobs, then one cycle per batch of changes until
/// interrupted.
///
/// Each later cycle maps the batch's paths to the jobs whose `inputs` match them, checks through
/// the hash index which of those jobs' cache keys changed, and runs them with their watched
/// downstream jobs, where the cache decides the rest. Only one cycle runs at a time: batches
/// that arrive meanwhile wait in a `BatchQueue` and start one more cycle when it ends. The
/// workspace lock is held only while a cycle runs, so a `dagrun run` from a git hook can run
/// beside an idle session.
///
/// `run(_:)` is called once. `interrupt()` may be called from any thread, as a signal handler
/// does.
public final class WatchSession: Sendable {
    /// The jobs a session watches and the options it runs them with.
    public struct Settings: Sendable {
        public var workspace: Workspace
        /// The jobs to watch with what they need; empty for every job.
        public var targets: [Job.Name]
        /// How long the tree must stay quiet before a cycle starts.
        public var debounce: Duration
        /// The number of jobs that run at once.
        public var parallelJobs: Int
        public var keepGoing: Bool
        /// True for `--no-cache`: every scheduled job runs, and results are still recorded.
        public var cacheDisabled: Bool
        /// The environment jobs start from, usually dagrun's own.
        public var environment: [String: String]
        /// The registry of the jobs' process groups, which an interrupt terminates.
        public var registry: ProcessGroupRegistry
        /// How long a job's process group has after `SIGTERM` before it gets `SIGKILL`.
        public var killGrace: Duration
        /// True to poll instead of using inotify, as after reaching the watch limit; for tests.
        var forcesPolling = false

        public init(
            workspace: Workspace,
            targets: [Job.Name] = [],
            debounce: Duration = .milliseconds(100),
            parallelJobs: Int,
            keepGoing: Bool = false,
            cacheDisabled: Bool = false,
            environment: [String: String],
            registry: ProcessGroupRegistry = .shared,
            killGrace: Duration = .seconds(2)
        ) {
            self.workspace = workspace
            self.targets = targets
            self.debounce = debounce
            self.parallelJobs = parallelJobs
            self.keepGoing = keepGoing
            self.cacheDisabled = cacheDisabled
            self.environment = environment
            self.registry = registry
            self.killGrace = killGrace
        }
    }

    /// The destinations of the session's output.
    public struct Output: Sendable {
        /// Receives the cycle notices and, in text mode, the trigger lines.
        public var console: Console
        /// True for `--json`: notices and triggers are printed as JSON objects.
        public var isJSON: Bool
        /// Receives every run event, the `finished` summary of each cycle included.
        public var report: @Sendable (RunEvent) -> Void
        /// Prints an error that the session survives, such as an invalid edit of the workflow.
        public var reportError: @Sendable (any Error) -> Void
        /// Receives a record of each cycle once it ends.
        public var cycleEnded: @Sendable (CycleRecord) -> Void

        public init(
            console: Console,
            isJSON: Bool = false,
            report: @escaping @Sendable (RunEvent) -> Void,
            reportError: @escaping @Sendable (any Error) -> Void,
            cycleEnded: @escaping @Sendable (CycleRecord) -> Void = { _ in }
        ) {
            self.console = console
            self.isJSON = isJSON
            self.report = report
            self.reportError = reportError
            self.cycleEnded = cycleEnded
        }
    }

    /// The caller's next step after `interrupt()`.
    public enum InterruptResponse: Sendable, Equatable {
        /// Nothing runs (or the interrupt repeats): exit with status 130 now.
        case exitNow
        /// The jobs' process groups are being terminated; `run(_:)` returns 130 when the cycle ends.
        case stoppingJobs
    }

    private enum Phase {
        case idle, waitingForLock, running, stopped
    }

    let settings: Settings
    let output: Output
    let loadWorkflow: @Sendable () throws -> Workflow
    let interruptFlag = InterruptFlag()
    let queue = BatchQueue()
    private let phase = Mutex(Phase.idle)
    /// The current watcher, replaced when a workflow edit changes what to watch.
    let currentWatcher = Mutex<FileWatcher?>(nil)

    /// - Parameter loadWorkflow: loads and validates the workflow file again after an edit; it
    ///   prints the workflow's warnings itself.
    public init(settings: Settings, output: Output, loadWorkflow: @escaping @Sendable () throws -> Workflow) {
        self.settings = settings
        self.output = output
        self.loadWorkflow = loadWorkflow
    }

    /// Starts watching, runs the first cycle with `workflow`, then one cycle per batch of
    /// changes until `interrupt()`.
    ///
    /// - Returns: 130, the status of an interrupted dagrun.
    /// - Throws: `SystemError` or `HashingError` when watching or the hash index cannot start.
    public func run(_ workflow: Workflow) async throws -> Int32 {
        var cycles = try await WatchCycles.start(session: self, workflow: workflow)
        defer { cycles.stop() }

        if beginCycle() {
            await cycles.runFirst()
            endCycle()
        }
        var printedSinceWait = true
        while !interruptFlag.isSet {
            if printedSinceWait {
                cycles.reportWaiting()
            }
            guard let batch = await queue.next() else {
                break
            }
            guard beginCycle() else {
                break
            }
            printedSinceWait = await cycles.run(batch)
            endCycle()
        }
        return 130
    }

    /// Responds to SIGINT or SIGTERM.
    ///
    /// While the session is idle or waits for the lock, it ends at once. While a cycle runs, the
    /// first interrupt stops new jobs and terminates the running jobs' process groups, and the
    /// cycle then ends as interrupted. A second one returns `.exitNow`.
    public func interrupt() -> InterruptResponse {
        let response: InterruptResponse = phase.withLock { phase in
            switch phase {
            case .idle, .waitingForLock, .stopped:
                phase = .stopped
                return .exitNow
            case .running:
                return interruptFlag.set() ? .exitNow : .stoppingJobs
            }
        }
        interruptFlag.set()
        if response == .exitNow {
            queue.close()
        } else {
            let registry = settings.registry
            let grace = settings.killGrace
            Task { await registry.terminateAll(grace: grace) }
        }
        return response
    }

    /// Makes the current watcher act as if the kernel had reported `IN_Q_OVERFLOW`; a test seam.
    func injectQueueOverflow() {
        let watcher = currentWatcher.withLock { $0 }
        watcher?.inject(InotifyRecord(watchDescriptor: -1, mask: .queueOverflowed))
    }

    // MARK: Phases

    /// Moves from idle to waiting for the lock; false once the session is stopped.
    private func beginCycle() -> Bool {
        phase.withLock { phase in
            guard phase == .idle else {
                return false
            }
            phase = .waitingForLock
            return true
        }
    }

    /// Moves from waiting for the lock to running; false once the session is stopped.
    func lockAcquired() -> Bool {
        phase.withLock { phase in
            guard phase == .waitingForLock else {
                return false
            }
            phase = .running
            return true
        }
    }

    private func endCycle() {
        phase.withLock { phase in
            if phase != .stopped {
                phase = .idle
            }
        }
    }
}

/// The record of one watch cycle, for callers that follow the session, such as tests.
public struct CycleRecord: Sendable, Equatable {
    /// 1 for the first run, then one more per cycle.
    public var number: Int
    /// The changed paths of the cycle's batch; empty for the first run and for a full check.
    public var changedPaths: [String]
    /// The jobs whose `inputs` matched a changed path.
    public var triggeredJobs: [Job.Name]
    /// The jobs whose cache key the content check found changed.
    public var changedJobs: [Job.Name]
    /// The jobs given to the scheduler; empty when nothing ran.
    public var scheduledJobs: [Job.Name]
    /// The run's summary; nil when nothing ran.
    public var summary: RunSummary?
    /// True when the cycle reloaded an edited workflow file.
    public var reloadedWorkflow: Bool
    /// True when the cycle checked every watched job's inputs, after lost events or a deleted
    /// state folder.
    public var checkedEverything: Bool
}
