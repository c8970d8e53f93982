#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Engine
import Foundation
import Hashing

/// The state that watch mode carries from one cycle to the next, and the steps of a cycle.
///
/// Owned by the task of `WatchSession.run(_:)`, never shared. Blocking work (the lock, hashing,
/// starting a watcher) is offloaded, so no cooperative thread waits on it.
struct WatchCycles {
    let session: WatchSession
    var watched: WatchedWorkflow
    var watcher: FileWatcher
    var scope: WatchScope
    var index: HashIndex
    private var planner = CyclePlanner()
    /// The latest outcome of each watched job, for the cache keys of jobs that run without
    /// their upstream jobs.
    var outcomes: [Job.Name: JobOutcome] = [:]
    /// The jobs that ran, not from the cache, in the previous cycle.
    private var lastExecuted: Set<Job.Name> = []
    private var cycleNumber = 0
    let reporter: CycleReporter

    var settings: WatchSession.Settings { session.settings }
    var workspace: Workspace { session.settings.workspace }

    /// Opens the hash index and starts watching, before the first run, so that edits made
    /// during it start the next cycle.
    static func start(session: WatchSession, workflow: Workflow) async throws -> WatchCycles {
        let workspace = session.settings.workspace
        try FileManager.default.createDirectory(atPath: workspace.stateDirectory, withIntermediateDirectories: true)
        let index = try await offload { try HashIndex(path: workspace.indexPath) }
        for warning in index.takeWarnings() {
            session.output.console.warning(warning)
        }
        let watched = try WatchedWorkflow(workflow, targets: session.settings.targets)
        let scope = watched.scope(ignoring: Self.extraIgnoredPaths(of: workspace))
        let clock = ContinuousClock()
        let setUpStart = clock.now
        let watcher = try await Self.startWatcher(scope: scope, session: session)
        let setUpTime = RunReporter.format(clock.now - setUpStart)
        let count = watcher.initialWatchCount
        let reporter = CycleReporter(console: session.output.console, isJSON: session.output.isJSON)
        if count == 0 {
            reporter.notice("polling the inputs' folders for changes")
        } else {
            reporter.notice("watching \(count == 1 ? "1 folder" : "\(count) folders"), set up in \(setUpTime)")
        }
        return WatchCycles(session: session, watched: watched, watcher: watcher, scope: scope, index: index)
    }

    private init(session: WatchSession, watched: WatchedWorkflow, watcher: FileWatcher, scope: WatchScope, index: HashIndex) {
        self.session = session
        self.watched = watched
        self.watcher = watcher
        self.scope = scope
        self.index = index
        self.reporter = CycleReporter(console: session.output.console, isJSON: session.output.isJSON)
    }

    /// Stops the watcher; the feeding task ends with its stream.
    func stop() {
        watcher.stop()
    }

    func reportWaiting() {
        let count = watched.jobNames.filter { !(watched.workflow.job(named: $0)?.inputs.isEmpty ?? true) }.count
        reporter.notice("waiting for changes to the inputs of \(count == 1 ? "1 job" : "\(count) jobs") (Ctrl-C to stop)")
    }

    // MARK: Cycles

    /// Runs the requested jobs and what they need, as `dagrun run` would.
    mutating func runFirst() async {
        cycleNumber += 1
        guard let lock = await acquireLock() else {
            return
        }
        defer { lock.release() }
        let summary = await runJobs(watched.jobNames, skipsUnchangedFailures: false)
        record(nil, scheduled: watched.jobNames, summary: summary)
    }

    /// Runs the cycle for `batch`: reload, content check, then the run of what changed.
    ///
    /// - Returns: false when the batch touched nothing a watched job uses, so the cycle printed
    ///   nothing and the wait line need not be repeated.
    @discardableResult
    mutating func run(_ batch: ChangeBatch) async -> Bool {
        cycleNumber += 1
        for warning in batch.warnings {
            session.output.console.warning(warning)
        }
        let plan = planner.plan(batch, in: watched, lastExecuted: lastExecuted)
        let reloads = plan.includesWorkflowFile && watched.isWorkflowFileEdited()
        let isStateDirectoryDeleted = !isStateDirectoryPresent()
        let hasWork = reloads || batch.isRescanNeeded || !plan.triggers.isEmpty || isStateDirectoryDeleted
        guard hasWork else {
            reporter.report(plan, changed: [], in: watched)
            lastExecuted = []
            record(batch, scheduled: [], summary: nil)
            return !plan.ownWritesIgnored.isEmpty
        }
        guard let lock = await acquireLock() else {
            return true
        }
        defer { lock.release() }

        var checksEverything = batch.isRescanNeeded
        if isStateDirectoryDeleted {
            session.output.console.warning("the state folder \(workspace.relativePath(workspace.stateDirectory)) was deleted; recreated it and checking every job's inputs again")
            await reopenIndex()
            checksEverything = true
        }
        if reloads, await reload() {
            planner.reset()
            reporter.notice("reloaded \(watched.workflowPath); running the watched jobs")
            let summary = await runJobs(watched.jobNames, skipsUnchangedFailures: true)
            record(batch, scheduled: watched.jobNames, summary: summary, reloaded: true)
            return true
        }
        if checksEverything {
            planner.reset()
            await runFullCheck(batch)
            return true
        }

        let check = ContentCheck(root: workspace.root, index: index, states: JobStateStore(directory: workspace.jobStateDirectory))
        let (watched, outcomes, triggers) = (self.watched, self.outcomes, plan.triggers)
        let changed = (try? await offload { check.changedJobs(triggers, in: watched, outcomes: outcomes) }) ?? Set(plan.triggeredJobs)
        reporter.report(plan, changed: changed, in: watched, transientPaths: Self.transientPaths(in: batch, root: workspace.root))
        let scheduled = changed.isEmpty ? [] : watched.downstream(of: changed)
        let summary = scheduled.isEmpty ? nil : await runJobs(scheduled, skipsUnchangedFailures: true)
        record(batch, triggered: plan.triggeredJobs, changed: changed, scheduled: scheduled, summary: summary)
        return true
    }

    /// Checks every watched job's full inputs, after lost events or a deleted state folder, and
    /// runs those whose cache key changed with their downstream jobs.
    private mutating func runFullCheck(_ batch: ChangeBatch) async {
        reporter.notice("checking every watched job's inputs, because changes may have been missed")
        let check = ContentCheck(root: workspace.root, index: index, states: JobStateStore(directory: workspace.jobStateDirectory))
        let (watched, outcomes) = (self.watched, self.outcomes)
        let changed = (try? await offload { check.changedJobsScanningAll(in: watched, outcomes: outcomes) }) ?? Set(watched.jobNames)
        let scheduled = changed.isEmpty ? [] : watched.downstream(of: changed)
        if scheduled.isEmpty {
            reporter.notice("no content changed, so nothing runs")
            lastExecuted = []
            record(batch, scheduled: [], summary: nil, checkedEverything: true)
            return
        }
        reporter.notice("inputs changed for " + watched.jobNames.filter(changed.contains).map(\.rawValue).joined(separator: ", "))
        let summary = await runJobs(scheduled, skipsUnchangedFailures: true)
        record(batch, changed: changed, scheduled: scheduled, summary: summary, checkedEverything: true)
    }

    // MARK: Running jobs

    /// Runs `names` with the outcomes of earlier cycles standing in for the jobs left out.
    ///
    /// TODO: the pipeline walks and stats every input of a job before it starts, most of the
    /// 1.4 s from a write to the job's start with 100,000 inputs. The content check's key, built from the last run's inputs and the changed
    /// paths, could stand in for it when no event was lost.
    private mutating func runJobs(_ names: [Job.Name], skipsUnchangedFailures: Bool) async -> RunSummary {
        let output = session.output
        let interrupt = session.interruptFlag
        let executor = JobExecutor(
            logFolder: workspace.logDirectory,
            baseEnvironment: settings.environment,
            killGrace: settings.killGrace,
            registry: settings.registry
        )
        let pipeline = JobPipeline(
            workflow: watched.workflow,
            workspace: workspace,
            index: index,
            executor: executor,
            options: JobPipeline.Options(
                cacheDisabled: settings.cacheDisabled,
                interrupt: interrupt,
                skipsUnchangedFailures: skipsUnchangedFailures,
                reportsReasons: output.isJSON || output.console.verbosity == .verbose
            ),
            report: output.report
        )
        let scheduler = Scheduler(parallelJobs: settings.parallelJobs, keepGoing: settings.keepGoing)
        let (summary, results) = await scheduler.run(
            names,
            of: watched.workflow,
            processor: pipeline,
            knownOutcomes: outcomes,
            isInterrupted: { interrupt.isSet },
            report: output.report
        )
        for warning in index.takeWarnings() {
            output.console.warning(warning)
        }
        output.report(.finished(summary))
        for name in names {
            if let outcome = results[name] {
                outcomes[name] = outcome
            }
        }
        lastExecuted = Set(summary.succeeded + summary.failed)
        return summary
    }

    private func record(
        _ batch: ChangeBatch?,
        triggered: [Job.Name] = [],
        changed: Set<Job.Name> = [],
        scheduled: [Job.Name],
        summary: RunSummary?,
        reloaded: Bool = false,
        checkedEverything: Bool = false
    ) {
        session.output.cycleEnded(CycleRecord(
            number: cycleNumber,
            changedPaths: batch?.paths ?? [],
            triggeredJobs: triggered,
            changedJobs: watched.jobNames.filter(changed.contains),
            scheduledJobs: scheduled,
            summary: summary,
            reloadedWorkflow: reloaded,
            checkedEverything: checkedEverything
        ))
    }

    /// Returns the paths of `batch` that were created during it and no longer exist.
    static func transientPaths(in batch: ChangeBatch, root: String) -> Set<String> {
        var result: Set<String> = []
        for change in batch.changes where !change.kinds.isDisjoint(with: [.created, .movedIn]) {
            if !FileManager.default.fileExists(atPath: root + "/" + change.path) {
                result.insert(change.path)
            }
        }
        return result
    }
}
