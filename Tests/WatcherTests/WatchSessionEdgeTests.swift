import Engine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import Watcher

/// Watch cycles at the edges: changes during a run, lost events, interrupts, failures, a job
/// that writes its own inputs, workflow edits and a deleted state folder.
@Suite struct WatchSessionEdgeTests {
    /// Returns once `path` exists, or throws after `limit`.
    func waitForFile(_ path: String, within limit: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + limit
        while !FileManager.default.fileExists(atPath: path) {
            try #require(ContinuousClock.now < deadline, "\(path) did not appear")
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func changeDuringRunStartsOneMoreCycle() async throws {
        let workflow = """
            jobs:
              - name: build
                runs: |
                  mkdir -p out signals
                  touch signals/started-$(cat src/a.c)
                  sleep 1
                  cp src/a.c out/a.txt
                inputs: [src/**]
                artifacts: [out/**]
            """
        let harness = try await SessionHarness(workflow: workflow, files: ["src/a.c": "one"])
        defer { harness.directory.remove() }

        try harness.directory.write("src/a.c", "two")
        try await waitForFile(harness.directory.path + "/signals/started-two")
        try harness.directory.write("src/a.c", "three")
        try harness.directory.write("src/b.c", "new while build ran")

        let during = try #require(await harness.cycleRunning("build", after: 1))
        let next = try #require(await harness.cycleRunning("build", after: during.number))
        #expect(next.number == during.number + 1)
        #expect(next.changedPaths == ["src/a.c", "src/b.c"])
        #expect(try harness.directory.read("out/a.txt") == "three")
        let later = await harness.cycles(after: next.number)
        #expect(later.allSatisfy { $0.summary == nil })
        #expect(await harness.stop() == 130)
    }

    @Test func queueOverflowChecksEveryInput() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        harness.session.injectQueueOverflow()
        let quiet = try #require(await harness.cycle(2))
        #expect(quiet.checkedEverything)
        #expect(quiet.summary == nil)

        try harness.directory.write("src/a.c", "edited")
        harness.session.injectQueueOverflow()
        let edited = try #require(await harness.cycleRunning("build", after: 2))
        #expect(edited.checkedEverything)
        #expect(edited.changedJobs == ["build"])
        #expect(await harness.stop() == 130)
    }

    @Test func interruptStopsGrandchild() async throws {
        let workflow = """
            jobs:
              - name: build
                runs: |
                  mkdir -p signals
                  if [ "$(cat src/a.c)" = "slow" ]; then
                    sleep 300 &
                    echo $! > signals/grandchild.pid
                    wait
                  fi
                inputs: [src/**]
            """
        let harness = try await SessionHarness(workflow: workflow, files: ["src/a.c": "fast"])
        defer { harness.directory.remove() }

        try harness.directory.write("src/a.c", "slow")
        let pidFile = harness.directory.path + "/signals/grandchild.pid"
        try await waitForFile(pidFile)
        try await Task.sleep(for: .milliseconds(100))
        let pid = try #require(Int32(try harness.directory.read("signals/grandchild.pid").trimmingCharacters(in: .whitespacesAndNewlines)))

        #expect(harness.session.interrupt() == .stoppingJobs)
        #expect(await harness.exitStatus() == 130)
        let deadline = ContinuousClock.now + .seconds(10)
        while kill(pid, 0) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(kill(pid, 0) == -1)
    }

    @Test func interruptWhileIdleEndsAtOnce() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        #expect(harness.session.interrupt() == .exitNow)
        #expect(await harness.exitStatus(within: .seconds(5)) == 130)
    }

    @Test func failedJobWaitsForItsOwnChanges() async throws {
        let workflow = """
            jobs:
              - name: build
                runs: |
                  mkdir -p out
                  cat src/*.c > out/all.txt
                inputs: [src/**]
                artifacts: [out/**]
              - name: test
                needs: [build]
                runs: grep -q pass tests/case.txt
                inputs: [tests/**]
            """
        let harness = try await SessionHarness(workflow: workflow, files: ["src/a.c": "a", "tests/case.txt": "fail"])
        defer { harness.directory.remove() }
        #expect(harness.cycles.first?.summary?.failed == ["test"])

        // build runs again but collects the same artifacts, so the failed test stays as it was.
        try harness.directory.write("src/notes.txt", "not read by build's script")
        let unrelated = try #require(await harness.cycleRunning("build", after: 1))
        #expect(unrelated.scheduledJobs == ["build", "test"])
        #expect(unrelated.summary?.succeeded == ["build"])

        try harness.directory.write("tests/case.txt", "pass")
        let fixed = try #require(await harness.cycleRunning("test", after: unrelated.number))
        #expect(fixed.triggeredJobs == ["test"])
        #expect(await harness.stop() == 130)
    }

    @Test func ownWritesRerunAtMostOnce() async throws {
        // A formatter that never converges: every run changes the file it reads.
        let workflow = """
            jobs:
              - name: format
                runs: date +%s%N >> src/stamp.txt
                inputs: [src/**]
                artifacts: [src/**]
            """
        let harness = try await SessionHarness(workflow: workflow, files: ["src/stamp.txt": ""])
        defer { harness.directory.remove() }

        let again = try #require(await harness.cycleRunning("format", after: 1))
        let later = await harness.cycles(after: again.number, waiting: .seconds(2))
        #expect(later.allSatisfy { $0.summary == nil })
        #expect(await harness.stop() == 130)
    }

    @Test func outputsUnderWatchedFolderDoNotLoop() async throws {
        let workflow = """
            jobs:
              - name: build
                runs: |
                  mkdir -p gen
                  cat src/a.c > gen/out.txt
                inputs: [src/**]
                artifacts: [gen/**]
              - name: test
                needs: [build]
                runs: cat gen/out.txt
                inputs: [gen/**]
            """
        let harness = try await SessionHarness(workflow: workflow, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        try harness.directory.write("src/a.c", "b")
        let cycle = try #require(await harness.cycleRunning("build", after: 1))
        #expect(cycle.summary?.succeeded == ["build", "test"])
        let later = await harness.cycles(after: cycle.number, waiting: .seconds(2))
        #expect(later.allSatisfy { $0.summary == nil })
        #expect(await harness.stop() == 130)
    }

    @Test func workflowEditReloads() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        let edited = SessionHarness.buildAndTest.replacingOccurrences(of: "grep -c .", with: "grep -c a")
        try harness.directory.write("workflow.yml", edited)
        let reload = try #require(await harness.cycleRunning("test", after: 1))
        #expect(reload.reloadedWorkflow)
        #expect(reload.summary?.cached == ["build"])

        try harness.directory.write("workflow.yml", "jobs: [")
        let invalid = try #require(await harness.cycle(reload.number + 1))
        #expect(!invalid.reloadedWorkflow)
        #expect(invalid.summary == nil)

        // The last valid workflow still runs.
        try harness.directory.write("src/a.c", "changed")
        let afterInvalid = try #require(await harness.cycleRunning("build", after: invalid.number))
        #expect(afterInvalid.summary?.succeeded == ["build", "test"])
        #expect(await harness.stop() == 130)
    }

    @Test func deletedStateFolderIsRecreated() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        try FileManager.default.removeItem(atPath: harness.directory.path + "/.dagrun")
        try harness.directory.write("src/b.c", "b")

        let cycle = try #require(await harness.cycleRunning("build", after: 1))
        #expect(cycle.checkedEverything)
        #expect(harness.directory.exists(".dagrun/index.db"))
        #expect(await harness.stop() == 130)
    }
}
