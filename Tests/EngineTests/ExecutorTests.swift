#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Engine

@Suite struct ExecutorTests {
    @Test(arguments: [
        ("exit 0", AttemptOutcome.Termination.exited(0)),
        ("exit 1", .exited(1)),
        ("exit 3", .exited(3)),
        ("exit 130", .exited(130)),
        ("kill -KILL $$", .signaled(SIGKILL)),
        ("false | true", .exited(1)),
        ("false; echo not reached", .exited(1)),
    ])
    func termination(script: String, expected: AttemptOutcome.Termination) async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let result = await fixture.run(Job(name: "job", script: script))
        #expect(result.attempts.map(\.termination) == [expected])
        #expect(result.succeeded == (expected == .exited(0)))
        #expect(fixture.lines.texts.isEmpty)
    }

    @Test(arguments: [
        (AttemptOutcome.Termination.exited(3), "exited with status 3"),
        (.signaled(9), "killed by signal 9 (SIGKILL)"),
        (.timedOut(.seconds(10)), "timed out after 10s"),
        (.timedOut(.milliseconds(500)), "timed out after 500ms"),
        (.timedOut(.seconds(300)), "timed out after 5m"),
        (.timedOut(.seconds(7200)), "timed out after 2h"),
        (.timedOut(.milliseconds(1250)), "timed out after 1.25s"),
        (.timedOut(.seconds(90)), "timed out after 90s"),
        (.cancelled, "cancelled"),
    ])
    func terminationDescription(termination: AttemptOutcome.Termination, expected: String) {
        #expect(termination.description == expected)
    }

    @Test func runsInWorkspaceRoot() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        _ = await fixture.run(Job(name: "job", script: "pwd -P"))
        #expect(fixture.lines.texts == [fixture.directory.path])
    }

    @Test func descriptorsDoNotLeakIntoJob() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        // `ls` itself opens one descriptor, 3, to list the folder.
        _ = await fixture.run(Job(name: "job", script: "ls /proc/self/fd"))
        #expect(fixture.lines.texts == ["0", "1", "2", "3"])
    }

    @Test func environmentLayersOverride() async throws {
        let fixture = try ExecutorFixture(baseEnvironment: [
            "FROM_BASE": "base", "FROM_WORKFLOW": "base", "FROM_JOB": "base",
        ])
        defer { fixture.remove() }
        let job = Job(name: "job", script: #"echo "$FROM_BASE $FROM_WORKFLOW $FROM_JOB""#, env: ["FROM_JOB": "job"])
        let workflow = fixture.workflow(job, env: ["FROM_WORKFLOW": "workflow", "FROM_JOB": "workflow"])
        _ = await fixture.executor.run(job, in: workflow, onOutputLine: fixture.lines.append)
        #expect(fixture.lines.texts == ["base workflow job"])
    }

    @Test func linesArriveWithTheirStream() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        _ = await fixture.run(Job(name: "job", script: "printf 'a\\nb\\n'; sleep 0.2; printf 'c\\n' >&2; sleep 0.2; printf partial"))
        #expect(fixture.lines.texts == ["a", "b", "c", "partial"])
        #expect(fixture.lines.streams == [.standardOutput, .standardOutput, .standardError, .standardOutput])
        #expect(fixture.lines.jobs == ["job", "job", "job", "job"])
    }

    @Test func logHasEveryAttemptWithHeaders() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let job = Job(name: "job", script: "echo out; printf tail; exit 2", retries: 1, backoff: Backoff(initial: .milliseconds(1)))
        let result = await fixture.run(job)

        #expect(result.logPath == fixture.directory.path + "/.dagrun/logs/job.log")
        #expect(result.logError == nil)
        let log = try String(contentsOfFile: result.logPath, encoding: .utf8)
        #expect(log == "--- attempt 1 ---\nout\ntail\n--- attempt 2 ---\nout\ntail")
    }

    @Test func logInterleavesBothStreams() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        // The pauses let each write be read before the next: the order between the two pipes
        // is the order of the reads.
        let result = await fixture.run(Job(name: "job", script: "echo 1; sleep 0.2; echo 2 >&2; sleep 0.2; echo 3"))
        let log = try String(contentsOfFile: result.logPath, encoding: .utf8)
        #expect(log == "--- attempt 1 ---\n1\n2\n3\n")
    }

    @Test func logKeepsOnlyLatestRun() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        _ = await fixture.run(Job(name: "job", script: "echo first"))
        let result = await fixture.run(Job(name: "job", script: "echo second"))
        let log = try String(contentsOfFile: result.logPath, encoding: .utf8)
        #expect(log == "--- attempt 1 ---\nsecond\n")
    }

    @Test func outputBytesPassThroughUnchanged() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let result = await fixture.run(Job(name: "job", script: #"printf '\xff\xfe\r\n\033[1m'"#))
        let log = try #require(FileManager.default.contents(atPath: result.logPath))
        #expect(Array(log) == Array("--- attempt 1 ---\n".utf8) + [0xff, 0xfe, 0x0d, 0x0a, 0x1b, 0x5b, 0x31, 0x6d])
        #expect(fixture.lines.bytes == [[0xff, 0xfe, 0x0d], [0x1b, 0x5b, 0x31, 0x6d]])
    }

    @Test func failureKeepsLogTail() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let result = await fixture.run(Job(name: "job", script: "seq 1 50; echo oops >&2; exit 1"))
        let tail = try #require(result.attempts.last?.logTail)
        #expect(tail == (32...50).map(String.init) + ["oops"])
    }

    @Test func largeOutputOnBothStreams() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let mebibyte = 1024 * 1024
        // 8-byte lines. Both writers run at once, so an undrained pipe would block one forever.
        let writer = "awk 'BEGIN { for (i = 0; i < \(mebibyte / 8); i++) print \"1234567\" }'"
        let script = "\(writer) >&2 & \(writer); wait"
        let result = await fixture.run(Job(name: "job", script: script))

        #expect(result.succeeded)
        #expect(fixture.lines.count == 2 * mebibyte / 8)
        let attributes = try FileManager.default.attributesOfItem(atPath: result.logPath)
        #expect(attributes[.size] as? Int == "--- attempt 1 ---\n".utf8.count + 2 * mebibyte)
    }

    @Test func backgroundGrandchildDoesNotHangJob() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let started = ContinuousClock.now
        let result = await fixture.run(Job(name: "job", script: "sleep 60 & echo $!; echo done"))
        let grandchild = try #require(fixture.lines.texts.first.flatMap { pid_t($0) })
        defer { _ = kill(grandchild, SIGKILL) }

        #expect(result.succeeded)
        #expect(fixture.lines.texts.last == "done")
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func missingRootFailsWithPath() async throws {
        let fixture = try ExecutorFixture()
        defer { fixture.remove() }
        let job = Job(name: "job", script: "true", retries: 1, backoff: Backoff(initial: .milliseconds(1)))
        var workflow = fixture.workflow(job)
        workflow.root = fixture.directory.path + "/missing"
        let result = await fixture.executor.run(job, in: workflow)

        #expect(!result.succeeded)
        #expect(result.attempts.count == 2)
        #expect(result.attempts.last?.termination.description.contains(workflow.root) == true)
    }
}

// MARK: - Helpers shared by the executor tests

/// The lines a job printed, in the order the executor delivered them.
final class CollectedLines: Sendable {
    private let lines = Mutex<[(job: Job.Name, line: OutputLine, time: ContinuousClock.Instant)]>([])

    func append(_ job: Job.Name, _ line: OutputLine) {
        lines.withLock { $0.append((job, line, .now)) }
    }

    var count: Int { lines.withLock { $0.count } }
    var texts: [String] { lines.withLock { $0.map(\.line.text) } }
    var bytes: [[UInt8]] { lines.withLock { $0.map(\.line.bytes) } }
    var streams: [ChildProcess.Stream] { lines.withLock { $0.map(\.line.stream) } }
    var jobs: [Job.Name] { lines.withLock { $0.map(\.job) } }
    var times: [ContinuousClock.Instant] { lines.withLock { $0.map(\.time) } }
}

/// A workspace in a temporary folder with an executor that logs to its `.dagrun/logs` and
/// registers process groups in a registry of its own.
struct ExecutorFixture {
    let directory: TemporaryDirectory
    let executor: JobExecutor
    let registry = ProcessGroupRegistry()
    let lines = CollectedLines()

    init(baseEnvironment: [String: String] = [:], killGrace: Duration = .seconds(2), _ name: String = #function) throws {
        directory = try TemporaryDirectory(name)
        var environment = ProcessInfo.processInfo.environment
        environment.merge(baseEnvironment) { _, override in override }
        executor = JobExecutor(
            logFolder: directory.path + "/.dagrun/logs",
            baseEnvironment: environment,
            killGrace: killGrace,
            registry: registry
        )
    }

    func workflow(_ job: Job, env: [String: String] = [:]) -> Workflow {
        Workflow(file: directory.path + "/workflow.yml", root: directory.path, env: env, jobs: [job])
    }

    func run(_ job: Job, onRetry: @escaping @Sendable (RetryEvent) -> Void = { _ in }) async -> JobRunResult {
        await executor.run(job, in: workflow(job), onOutputLine: lines.append, onRetry: onRetry)
    }

    func remove() {
        directory.remove()
    }
}
