import Hashing
import Synchronization
import Testing
@testable import Engine

/// Records the order jobs start and end in, and fails the jobs named in `failing`.
private final class RecordingProcessor: JobProcessor {
    let failing: Set<Job.Name>
    let log = Mutex<[String]>([])
    let concurrency = Mutex<(current: Int, maximum: Int)>((0, 0))

    init(failing: Set<Job.Name> = []) {
        self.failing = failing
    }

    func process(_ job: Job, upstreamArtifacts: [Job.Name: Digest]) async -> JobOutcome {
        log.withLock { $0.append("start \(job.name)") }
        concurrency.withLock { state in
            state.current += 1
            state.maximum = max(state.maximum, state.current)
        }
        try? await Task.sleep(for: .milliseconds(20))
        concurrency.withLock { $0.current -= 1 }
        log.withLock { $0.append("end \(job.name)") }
        if failing.contains(job.name) { return .failed }
        return .succeeded(artifactDigest: SHA256.hash(job.name.rawValue))
    }

    var events: [String] { log.withLock { $0 } }

    func position(_ event: String) -> Int {
        events.firstIndex(of: event) ?? -1
    }
}

private func workflow(_ jobs: [(String, [String])]) -> Workflow {
    Workflow(
        file: "workflow.yml",
        root: "/nonexistent",
        jobs: jobs.map { Job(name: Job.Name($0.0), script: "true", needs: $0.1.map { Job.Name($0) }) }
    )
}

private final class EventLog: Sendable {
    let events = Mutex<[RunEvent]>([])
    func append(_ event: RunEvent) { events.withLock { $0.append(event) } }
    var skippedReasons: [String: String] {
        var result: [String: String] = [:]
        for case let .skipped(job, reason) in events.withLock({ $0 }) {
            result[job.rawValue] = reason
        }
        return result
    }
}

@Suite struct SchedulerTests {
    @Test func diamondRunsInDependencyOrder() async {
        let diamond = workflow([("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"])])
        let processor = RecordingProcessor()
        let (summary, _) = await Scheduler(parallelJobs: 4, keepGoing: false)
            .run(["a", "b", "c", "d"], of: diamond, processor: processor) { _ in }

        #expect(summary.isSuccess)
        #expect(summary.succeeded.count == 4)
        #expect(processor.position("end a") < processor.position("start b"))
        #expect(processor.position("end a") < processor.position("start c"))
        #expect(processor.position("end b") < processor.position("start d"))
        #expect(processor.position("end c") < processor.position("start d"))
    }

    @Test func independentJobsRunInParallelUpToLimit() async {
        let wide = workflow((1...8).map { ("job\($0)", []) })
        let processor = RecordingProcessor()
        _ = await Scheduler(parallelJobs: 3, keepGoing: false)
            .run(wide.jobs.map(\.name), of: wide, processor: processor) { _ in }

        let maximum = processor.concurrency.withLock { $0.maximum }
        #expect(maximum == 3)
    }

    @Test func singleJobLimitRunsOneAtATime() async {
        let wide = workflow((1...4).map { ("job\($0)", []) })
        let processor = RecordingProcessor()
        _ = await Scheduler(parallelJobs: 1, keepGoing: false)
            .run(wide.jobs.map(\.name), of: wide, processor: processor) { _ in }

        #expect(processor.concurrency.withLock { $0.maximum } == 1)
    }

    @Test func failureStopsNewJobsWithoutKeepGoing() async {
        // a fails; b (independent) is queued behind it with -j 1, c needs a.
        let pipeline = workflow([("a", []), ("b", []), ("c", ["a"])])
        let processor = RecordingProcessor(failing: ["a"])
        let events = EventLog()
        let (summary, _) = await Scheduler(parallelJobs: 1, keepGoing: false)
            .run(["a", "b", "c"], of: pipeline, processor: processor, report: events.append)

        #expect(summary.failed == ["a"])
        #expect(Set(summary.skipped) == ["b", "c"])
        #expect(!processor.events.contains("start b"))
        #expect(events.skippedReasons["c"] == "because it needs a, which did not succeed")
        #expect(events.skippedReasons["b"] == "because a failed (use -k to keep going)")
    }

    @Test func keepGoingRunsIndependentJobs() async {
        let pipeline = workflow([("a", []), ("b", []), ("c", ["a"]), ("d", ["c"]), ("e", ["b"])])
        let processor = RecordingProcessor(failing: ["a"])
        let events = EventLog()
        let (summary, _) = await Scheduler(parallelJobs: 1, keepGoing: true)
            .run(["a", "b", "c", "d", "e"], of: pipeline, processor: processor, report: events.append)

        #expect(summary.failed == ["a"])
        #expect(summary.succeeded == ["b", "e"])
        #expect(Set(summary.skipped) == ["c", "d"])
        #expect(events.skippedReasons["d"] == "because it needs c, which did not succeed")
    }

    @Test func runningJobsFinishAfterFailure() async {
        let pair = workflow([("fails", []), ("slow", [])])
        let processor = RecordingProcessor(failing: ["fails"])
        let (summary, _) = await Scheduler(parallelJobs: 2, keepGoing: false)
            .run(["fails", "slow"], of: pair, processor: processor) { _ in }

        #expect(summary.succeeded == ["slow"])
        #expect(processor.events.contains("end slow"))
    }

    @Test func interruptStartsNothingNew() async {
        let chain = workflow([("a", []), ("b", ["a"])])
        let processor = RecordingProcessor()
        let (summary, _) = await Scheduler(parallelJobs: 1, keepGoing: false)
            .run(["a", "b"], of: chain, processor: processor, isInterrupted: { true }) { _ in }

        #expect(summary.interrupted)
        #expect(processor.events.isEmpty)
        #expect(summary.skipped == ["a", "b"])
    }

    @Test func skipReasonNamesEveryFailedNeed() async {
        let pipeline = workflow([("a", []), ("b", []), ("c", ["a", "b"])])
        let processor = RecordingProcessor(failing: ["a", "b"])
        let events = EventLog()
        _ = await Scheduler(parallelJobs: 2, keepGoing: true)
            .run(["a", "b", "c"], of: pipeline, processor: processor, report: events.append)

        #expect(events.skippedReasons["c"] == "because it needs a and b, which did not succeed")
    }
}
