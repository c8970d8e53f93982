import Basics
import Foundation
import Synchronization
import Testing
@testable import Engine

@Suite struct ExecutorRetryTests {
    @Test(arguments: [
        (1, Duration.seconds(1)),
        (2, .seconds(2)),
        (3, .seconds(4)),
        (6, .seconds(32)),
        (7, .seconds(60)),
        (5000, .seconds(60)),
    ])
    func baseDelayGrowsUpToMaximum(retry: Int, expected: Duration) {
        let backoff = Backoff(initial: .seconds(1), factor: 2, maximum: .seconds(60))
        #expect(backoff.baseDelay(beforeRetry: retry) == expected)
    }

    @Test func jitterScalesBaseDelay() {
        let backoff = Backoff(initial: .seconds(1), factor: 2, maximum: .seconds(60))
        #expect(backoff.delay(beforeRetry: 2, jitter: 0.5) == .seconds(1))
        #expect(backoff.delay(beforeRetry: 2, jitter: 1.0) == .seconds(2))
    }

    @Test func retriesUntilSuccess() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let events = Mutex<[RetryEvent]>([])
        // Fails on the first two attempts, counting them in a file.
        let script = "n=$(( $(cat count 2>/dev/null || echo 0) + 1 )); echo $n > count; test $n -ge 3"
        let job = Job(name: "flaky", script: script, retries: 5, backoff: Backoff(initial: .milliseconds(1)))
        let result = await fixture.run(job) { event in events.withLock { $0.append(event) } }

        #expect(result.succeeded)
        #expect(result.attempts.map(\.termination) == [.exited(1), .exited(1), .exited(0)])
        #expect(result.attempts.map(\.number) == [1, 2, 3])
        #expect(events.withLock { $0.map(\.failedAttempt) } == [1, 2])
        #expect(events.withLock { $0.map(\.attemptLimit) } == [6, 6])
        #expect(events.withLock { $0.map(\.job) } == ["flaky", "flaky"])
    }

    @Test func stopsAfterLastRetry() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let job = Job(name: "broken", script: "exit 130", retries: 2, backoff: Backoff(initial: .milliseconds(1)))
        let result = await fixture.run(job)

        #expect(!result.succeeded)
        #expect(result.attempts.map(\.termination) == [.exited(130), .exited(130), .exited(130)])
    }

    @Test func waitsTheReportedBackoff() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let events = Mutex<[(event: RetryEvent, time: ContinuousClock.Instant)]>([])
        let backoff = Backoff(initial: .milliseconds(50), factor: 2, maximum: .milliseconds(150))
        let job = Job(name: "failing", script: "echo start; exit 1", retries: 3, backoff: backoff)
        let result = await fixture.run(job) { event in events.withLock { $0.append((event, .now)) } }

        #expect(result.attempts.count == 4)
        let reported = events.withLock { $0 }
        let starts = fixture.lines.times
        try #require(reported.count == 3)
        try #require(starts.count == 4)
        for (index, (event, time)) in reported.enumerated() {
            let base = backoff.baseDelay(beforeRetry: index + 1)
            // The jitter keeps each delay within half to all of the base delay.
            #expect(event.delay >= base * 0.5)
            #expect(event.delay <= base)
            // The next attempt starts no sooner than the delay after the report.
            let gap = starts[index + 1] - time
            #expect(gap >= event.delay)
            #expect(gap < event.delay + .seconds(10))
        }
    }

    @Test func retryEventDescription() {
        let event = RetryEvent(job: "build", failedAttempt: 1, attemptLimit: 3, delay: .milliseconds(1200), failure: "exited with status 3")
        #expect(event.description == "attempt 1 of 3 exited with status 3, retrying in 1.2s")
    }
}
