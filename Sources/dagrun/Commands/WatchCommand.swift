import Basics
import Engine
import Foundation
import Watcher

/// `dagrun watch`: runs the requested jobs, then re-runs the affected jobs after every change
/// until SIGINT or SIGTERM, and returns 130.
///
/// The interrupt handling is installed once for the whole session: while idle an interrupt exits
/// at once, and while a cycle runs the first one stops the jobs' process groups and the second
/// one exits without waiting.
enum WatchCommand {
    static func run(_ options: Invocation.WatchOptions, context: CommandContext) async throws -> Int32 {
        let run = options.run
        if run.dryRun {
            throw UsageError(message: "'watch' does not take --dry-run.", hint: "Run 'dagrun run --dry-run' to see what would run.")
        }
        if run.junitFile != nil {
            throw UsageError(message: "'watch' does not take --junit.", hint: "Run 'dagrun run --junit FILE' for a JUnit report.")
        }
        let workflow = try context.loadWorkflow()
        let targets = try context.jobNames(run.targets, in: workflow, command: "watch")
        let workspace = context.workspace(for: workflow)
        if !run.waitsForLock {
            try checkLockIsFree(workspace)
        }

        let reporter = RunReporter(console: context.console, format: run.json ? .json : .text)
        let output = WatchSession.Output(
            console: context.console,
            isJSON: run.json,
            report: { reporter.report($0) },
            reportError: { _ = context.report($0) }
        )
        let settings = WatchSession.Settings(
            workspace: workspace,
            targets: targets,
            debounce: options.debounce,
            parallelJobs: run.parallelJobs ?? ProcessInfo.processInfo.activeProcessorCount,
            keepGoing: run.keepGoing,
            cacheDisabled: run.cacheDisabled,
            environment: context.environment
        )
        let session = WatchSession(settings: settings, output: output) {
            try context.loadWorkflow()
        }
        InterruptListener.install { _ in
            if session.interrupt() == .exitNow {
                exit(130)
            }
        }
        return try await session.run(workflow)
    }

    /// Stops with a usage error when another dagrun holds the workspace lock (`--no-wait`).
    ///
    /// Only the first cycle honours `--no-wait`. Later cycles wait for the lock, so a pre-push
    /// hook's run never ends the user's watch.
    private static func checkLockIsFree(_ workspace: Workspace) throws {
        try FileManager.default.createDirectory(atPath: workspace.stateDirectory, withIntermediateDirectories: true)
        let lock = WorkspaceLock(path: workspace.lockPath)
        defer { lock.release() }
        if try !lock.tryAcquire() {
            let holder = lock.currentOwner().map { "process \($0)" } ?? "another dagrun process"
            throw UsageError(
                message: "the workspace is locked by \(holder) (\(workspace.relativePath(workspace.lockPath))).",
                hint: "Wait for it to finish, or run without --no-wait to wait for it."
            )
        }
    }
}
