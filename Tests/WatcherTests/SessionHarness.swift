import Basics
import Engine
import Foundation
import Synchronization
import TestSupport
@testable import Watcher

/// A real watch session on a temporary workspace, with its cycles collected for checks.
///
/// The session runs jobs as real child processes under the harness's own process-group
/// registry, so an interrupt here never reaches another test's jobs. Its console is quiet.
final class SessionHarness: Sendable {
    let directory: TemporaryDirectory
    let session: WatchSession
    let registry = ProcessGroupRegistry()
    private let store = Store()

    /// The cycles and exit status, in a class so the session's callbacks can share them.
    private final class Store: Sendable {
        let records = Mutex<[CycleRecord]>([])
        let finished = Mutex<Int32?>(nil)
    }

    /// Writes `files` and `workflow.yml`, then starts the session and waits for its first cycle.
    init(
        workflow: String,
        files: [String: String],
        targets: [Job.Name] = [],
        debounce: Duration = .milliseconds(100),
        name: String = #function
    ) async throws {
        directory = try TemporaryDirectory(name)
        try directory.write("workflow.yml", workflow)
        for (path, contents) in files {
            try directory.write(path, contents)
        }
        let file = directory.path + "/workflow.yml"
        let loaded = try WorkflowLoader.load(file: file).workflow
        let settings = WatchSession.Settings(
            workspace: Workspace(root: loaded.root),
            targets: targets,
            debounce: debounce,
            parallelJobs: 2,
            environment: ProcessInfo.processInfo.environment,
            registry: registry,
            killGrace: .milliseconds(500)
        )
        let store = self.store
        let output = WatchSession.Output(
            console: Console(verbosity: .quiet, isStyled: false),
            report: { _ in },
            reportError: { _ in },
            cycleEnded: { record in store.records.withLock { $0.append(record) } }
        )
        session = WatchSession(settings: settings, output: output) {
            try WorkflowLoader.load(file: file).workflow
        }
        let session = self.session
        Task {
            let status = (try? await session.run(loaded)) ?? -1
            store.finished.withLock { $0 = status }
        }
        _ = await cycle(1)
    }

    /// The cycles that ended so far, in order.
    var cycles: [CycleRecord] { store.records.withLock { $0 } }

    /// Returns cycle `number` once it has ended, or nil when it does not end within `limit`.
    func cycle(_ number: Int, within limit: Duration = .seconds(20)) async -> CycleRecord? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let record = store.records.withLock({ $0.first { $0.number == number } }) {
                return record
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Returns the first cycle after `number` that ran `job`, not from the cache, or nil within `limit`.
    func cycleRunning(_ job: Job.Name, after number: Int, within limit: Duration = .seconds(20)) async -> CycleRecord? {
        await firstCycle(after: number, within: limit) { $0.summary?.succeeded.contains(job) == true }
    }

    /// Returns the first cycle after `number` that scheduled `job`, which then ran or was a cache
    /// hit, or nil within `limit`.
    func cycleScheduling(_ job: Job.Name, after number: Int, within limit: Duration = .seconds(20)) async -> CycleRecord? {
        await firstCycle(after: number, within: limit) { $0.scheduledJobs.contains(job) }
    }

    private func firstCycle(
        after number: Int,
        within limit: Duration,
        where isMatch: @escaping @Sendable (CycleRecord) -> Bool
    ) async -> CycleRecord? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let match = store.records.withLock { records in
                records.first { $0.number > number && isMatch($0) }
            }
            if let match {
                return match
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Waits `duration`, then returns the cycles that ended after cycle `number`.
    func cycles(after number: Int, waiting duration: Duration = .seconds(1)) async -> [CycleRecord] {
        try? await Task.sleep(for: duration)
        return cycles.filter { $0.number > number }
    }

    /// The number of the last cycle that ended.
    var lastCycleNumber: Int { cycles.last?.number ?? 0 }

    /// Interrupts the session and returns its exit status, or nil when `run` does not return
    /// within `limit`.
    func stop(within limit: Duration = .seconds(20)) async -> Int32? {
        _ = session.interrupt()
        return await exitStatus(within: limit)
    }

    /// Returns the status `run` returned, or nil when it does not return within `limit`.
    func exitStatus(within limit: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let status = store.finished.withLock({ $0 }) {
                return status
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Renames with `rename(2)`, replacing an existing file as editors' atomic saves do.
    func move(_ source: String, to destination: String) throws {
        try retryingInterrupts("rename", subject: source) {
            rename(directory.path + "/" + source, directory.path + "/" + destination)
        }
    }

    /// The simple pipeline most tests use: `build` from `src/**` into `out/`, and `test` after it.
    static let buildAndTest = """
        jobs:
          - name: build
            runs: |
              mkdir -p out
              cat $(find src -type f | sort) > out/all.txt
            inputs: [src/**]
            artifacts: [out/**]
          - name: test
            needs: [build]
            runs: grep -c . artifacts/build/all.txt
        """
}
