import Basics
import Engine
import Foundation
import Hashing

/// One locked use of a workspace: the lock, the hash index, and the interrupt wiring.
///
/// `run` and each cycle of `watch` open a session, so two dagrun processes never write the same
/// workspace at once. The first SIGINT or SIGTERM stops every running job's process group and
/// lets the run finish as interrupted. A second one exits at once with status 130.
final class RunSession: @unchecked Sendable {
    let workspace: Workspace
    let index: HashIndex
    let interrupt: InterruptFlag
    private let lock: WorkspaceLock
    private let context: CommandContext

    private init(workspace: Workspace, index: HashIndex, lock: WorkspaceLock, interrupt: InterruptFlag, context: CommandContext) {
        self.workspace = workspace
        self.index = index
        self.lock = lock
        self.interrupt = interrupt
        self.context = context
    }

    /// Creates `.dagrun/`, takes the workspace lock and opens the hash index.
    ///
    /// - Parameter waitsForLock: false for `--no-wait`: a held lock is then a usage error.
    static func open(workspace: Workspace, waitsForLock: Bool, context: CommandContext, interrupt: InterruptFlag = InterruptFlag()) throws -> RunSession {
        try FileManager.default.createDirectory(atPath: workspace.stateDirectory, withIntermediateDirectories: true)
        let lock = WorkspaceLock(path: workspace.lockPath)
        if waitsForLock {
            try lock.acquire(reportingTo: context.console, displayPath: workspace.relativePath(workspace.lockPath))
        } else if try !lock.tryAcquire() {
            let holder = lock.currentOwner().map { "process \($0)" } ?? "another dagrun process"
            throw UsageError(
                message: "the workspace is locked by \(holder) (\(workspace.relativePath(workspace.lockPath))).",
                hint: "Wait for it to finish, or run without --no-wait to wait for it."
            )
        }

        let index: HashIndex
        do {
            index = try HashIndex(path: workspace.indexPath)
        } catch {
            lock.release()
            throw error
        }
        for warning in index.takeWarnings() {
            context.console.warning(warning)
        }

        InterruptListener.install { _ in
            if interrupt.set() {
                // A second interrupt: the user does not want to wait for the process groups.
                exit(130)
            }
            Task { await ProcessGroupRegistry.shared.terminateAll(grace: .seconds(2)) }
        }
        return RunSession(workspace: workspace, index: index, lock: lock, interrupt: interrupt, context: context)
    }

    /// Runs `names` (closed under `needs`, in topological order) and returns the summary.
    func run(
        _ names: [Job.Name],
        of workflow: Workflow,
        parallelJobs: Int,
        keepGoing: Bool,
        cacheDisabled: Bool,
        reportsReasons: Bool,
        report: @escaping @Sendable (RunEvent) -> Void
    ) async -> RunSummary {
        let executor = JobExecutor(logFolder: workspace.logDirectory, baseEnvironment: context.environment)
        let pipeline = JobPipeline(
            workflow: workflow,
            workspace: workspace,
            index: index,
            executor: executor,
            options: JobPipeline.Options(cacheDisabled: cacheDisabled, interrupt: interrupt, reportsReasons: reportsReasons),
            report: report
        )
        let interrupt = self.interrupt
        let scheduler = Scheduler(parallelJobs: parallelJobs, keepGoing: keepGoing)
        let (summary, _) = await scheduler.run(
            names,
            of: workflow,
            processor: pipeline,
            isInterrupted: { interrupt.isSet },
            report: report
        )
        for warning in index.takeWarnings() {
            context.console.warning(warning)
        }
        return summary
    }

    func close() {
        lock.release()
    }
}
