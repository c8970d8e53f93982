#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Engine
import Foundation
import Hashing

extension WatchCycles {
    // MARK: Lock

    /// The workspace lock of one cycle, handed from the thread that waited for it to the cycle.
    ///
    /// `WorkspaceLock` is not `Sendable`; this wrapper is, because the lock is used by one cycle
    /// at a time and released by it.
    struct CycleLock: @unchecked Sendable {
        let lock: WorkspaceLock

        func release() {
            lock.release()
        }
    }

    /// Takes the workspace lock for one cycle, creating the state folder if it is gone, and
    /// waits while another dagrun holds the lock, saying once which process it waits for.
    ///
    /// - Returns: The lock, or nil when the session was interrupted meanwhile or the lock could
    ///   not be taken (the error is printed).
    func acquireLock() async -> CycleLock? {
        let workspace = self.workspace
        let console = session.output.console
        let lock: CycleLock
        do {
            lock = try await offload {
                try FileManager.default.createDirectory(atPath: workspace.stateDirectory, withIntermediateDirectories: true)
                let lock = WorkspaceLock(path: workspace.lockPath)
                try lock.acquire(reportingTo: console, displayPath: workspace.relativePath(workspace.lockPath))
                return CycleLock(lock: lock)
            }
        } catch {
            session.output.reportError(error)
            return nil
        }
        guard session.lockAcquired() else {
            lock.release()
            return nil
        }
        return lock
    }

    // MARK: State folder and index

    /// Returns whether the hash index file still exists; deleting `.dagrun/` removes it.
    func isStateDirectoryPresent() -> Bool {
        access(workspace.indexPath, F_OK) == 0
    }

    /// Opens the hash index again after its file was deleted; on failure keeps the old one.
    mutating func reopenIndex() async {
        let path = workspace.indexPath
        do {
            index = try await offload { try HashIndex(path: path) }
        } catch {
            session.output.reportError(error)
        }
    }

    // MARK: Workflow and watcher

    /// Loads the edited workflow file and, when it is valid, watches and runs by it from now on.
    ///
    /// An invalid edit prints its error and keeps the last valid workflow.
    ///
    /// - Returns: Whether the new workflow replaced the old one.
    mutating func reload() async -> Bool {
        do {
            let load = session.loadWorkflow
            let workflow = try await offload { try load() }
            let newWatched = try WatchedWorkflow(workflow, targets: settings.targets)
            let newScope = newWatched.scope(ignoring: Self.extraIgnoredPaths(of: workspace))
            if newScope != scope {
                let newWatcher = try await Self.startWatcher(scope: newScope, session: session)
                watcher.stop()
                watcher = newWatcher
                scope = newScope
            }
            watched = newWatched
            outcomes = [:]
            return true
        } catch {
            session.output.reportError(error)
            reporter.notice("keeping the last valid workflow until \(watched.workflowPath) is fixed")
            return false
        }
    }

    /// Starts a watcher on `scope` and feeds its batches to the session's queue.
    ///
    /// Setting up the watches lists every covered folder, so it runs on a Dispatch thread.
    static func startWatcher(scope: WatchScope, session: WatchSession) async throws -> FileWatcher {
        var configuration = WatchConfiguration(
            workspace: session.settings.workspace.root,
            scope: scope,
            debounce: session.settings.debounce
        )
        configuration.forcesPolling = session.settings.forcesPolling
        let frozen = configuration
        let watcher = try await offload { try FileWatcher(frozen) }
        session.queue.feed(from: watcher)
        session.currentWatcher.withLock { $0 = watcher }
        return watcher
    }

    /// Returns the folders dagrun writes inside the workspace besides `.dagrun/` and
    /// `artifacts/`: the cache folder, when `--cache-dir` or `DAGRUN_CACHE_DIR` moved it there.
    static func extraIgnoredPaths(of workspace: Workspace) -> [String] {
        let cache = workspace.relativePath(workspace.cacheDirectory)
        guard cache != workspace.cacheDirectory else {
            return []
        }
        return [cache]
    }
}
