#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Engine

@Suite struct ExecutorTimeoutTests {
    @Test func timeoutKillsGrandchild() async throws {
        let fixture = try ExecutorFixture(killGrace: .seconds(1))
        defer { fixture.remove() }
        let job = Job(name: "slow", script: "sleep 60 & echo $! > grandchild.pid; sleep 60", timeout: .milliseconds(500))
        let result = await fixture.run(job)

        #expect(result.attempts.map(\.termination) == [.timedOut(.milliseconds(500))])
        #expect(result.attempts.first?.termination.description == "timed out after 500ms")
        let grandchild = try #require(pid_t(try fixture.directory.read("grandchild.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await waitUntilGone(grandchild))
        #expect(fixture.registry.groups.isEmpty)
    }

    @Test func timeoutEscalatesToKill() async throws {
        let fixture = try ExecutorFixture(killGrace: .milliseconds(300))
        defer { fixture.remove() }
        // The shell and the `sleep` it starts both ignore SIGTERM, so only SIGKILL ends them.
        let job = Job(name: "stubborn", script: "trap '' TERM; sleep 60 & echo $! > grandchild.pid; wait", timeout: .milliseconds(300))
        let result = await fixture.run(job)

        #expect(result.attempts.map(\.termination) == [.timedOut(.milliseconds(300))])
        let grandchild = try #require(pid_t(try fixture.directory.read("grandchild.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(await waitUntilGone(grandchild))
    }

    @Test func timedOutAttemptIsRetried() async throws {
        let fixture = try ExecutorFixture(killGrace: .seconds(1))
        defer { fixture.remove() }
        let events = Mutex<[RetryEvent]>([])
        let job = Job(name: "slow", script: "sleep 60", retries: 1, backoff: Backoff(initial: .milliseconds(10)), timeout: .milliseconds(300))
        let result = await fixture.run(job) { event in events.withLock { $0.append(event) } }

        #expect(result.attempts.map(\.termination) == [.timedOut(.milliseconds(300)), .timedOut(.milliseconds(300))])
        #expect(events.withLock { $0.map(\.failure) } == ["timed out after 300ms"])
    }

    @Test func fastJobDoesNotTimeOut() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let result = await fixture.run(Job(name: "fast", script: "exit 4", timeout: .seconds(30)))
        #expect(result.attempts.map(\.termination) == [.exited(4)])
    }

    @Test func cancellationTerminatesProcessGroup() async throws {
        let fixture = try ExecutorFixture(killGrace: .seconds(1))
        defer { fixture.remove() }
        let job = Job(name: "long", script: "sleep 60 & echo $!; sleep 60", retries: 3)
        let run = Task { await fixture.run(job) }

        let deadline = ContinuousClock.now + .seconds(10)
        while fixture.lines.count == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let grandchild = try #require(fixture.lines.texts.first.flatMap { pid_t($0) })
        run.cancel()
        let result = await run.value

        #expect(result.attempts.map(\.termination) == [.cancelled])
        #expect(await waitUntilGone(grandchild))
        #expect(fixture.registry.groups.isEmpty)
    }
}
