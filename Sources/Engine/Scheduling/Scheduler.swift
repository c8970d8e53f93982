import Hashing
import Synchronization

/// The result of one job in a run.
public enum JobOutcome: Sendable, Equatable {
    /// The job ran and succeeded, and `artifactDigest` identifies what it collected.
    case succeeded(artifactDigest: Digest)
    /// A stored result was used and its artifacts restored.
    case cached(artifactDigest: Digest)
    /// The job ran and failed, or could not be prepared.
    case failed
    /// The run was interrupted while the job ran.
    case interrupted

    /// The digest that downstream jobs put in their cache keys, or nil when the job did not succeed.
    public var artifactDigest: Digest? {
        switch self {
        case .succeeded(let digest), .cached(let digest): digest
        case .failed, .interrupted: nil
        }
    }
}

/// Does the work for one job once every job it needs has succeeded.
public protocol JobProcessor: Sendable {
    /// Checks the cache, runs the job when needed, and collects its artifacts.
    ///
    /// - Parameter upstreamArtifacts: the artifact digest of each job that `job` needs, directly
    ///   or through other jobs.
    func process(_ job: Job, upstreamArtifacts: [Job.Name: Digest]) async -> JobOutcome
}

/// Runs a set of jobs in dependency order, at most `parallelJobs` at a time.
///
/// Without `keepGoing`, the first failure stops new jobs from starting; jobs already running
/// finish. With `keepGoing`, every job that does not depend on a failed job still runs. Jobs that never
/// start are reported as skipped, with the reason.
public struct Scheduler: Sendable {
    public var parallelJobs: Int
    public var keepGoing: Bool

    public init(parallelJobs: Int, keepGoing: Bool) {
        self.parallelJobs = max(1, parallelJobs)
        self.keepGoing = keepGoing
    }

    /// Runs `names` (closed under `needs`, in topological order) and returns the summary.
    ///
    /// - Parameters:
    ///   - knownOutcomes: the outcomes of jobs outside `names` from an earlier run, such as an
    ///     earlier cycle of watch mode. A job of `names` waits for the needs listed here as if they
    ///     had run, takes their artifact digests into its cache key, and is skipped when one failed.
    ///   - isInterrupted: polled before each start; once it returns true, nothing new starts.
    ///   - report: receives the `skipped` events. The processor reports all others.
    public func run(
        _ names: [Job.Name],
        of workflow: Workflow,
        processor: some JobProcessor,
        knownOutcomes: [Job.Name: JobOutcome] = [:],
        isInterrupted: @escaping @Sendable () -> Bool = { false },
        report: @escaping @Sendable (RunEvent) -> Void
    ) async -> (summary: RunSummary, outcomes: [Job.Name: JobOutcome]) {
        let clock = ContinuousClock()
        let start = clock.now
        let jobs = Dictionary(workflow.jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let included = Set(names)
        let ancestors = Self.upstreamJobs(of: names, in: jobs)
        var waiting = names.filter { jobs[$0] != nil }
        var outcomes = knownOutcomes.filter { !included.contains($0.key) && $0.value != .interrupted }
        let known = Set(outcomes.keys)
        var skipped: [Job.Name] = []
        var running = 0
        var firstFailure: Job.Name?

        await withTaskGroup(of: (Job.Name, JobOutcome).self) { group in
            func startReadyJobs() {
                var index = 0
                while index < waiting.count, running < parallelJobs {
                    let name = waiting[index]
                    guard let job = jobs[name] else {
                        waiting.remove(at: index)
                        continue
                    }
                    let needs = job.needs.filter { included.contains($0) || known.contains($0) }
                    // Once every need has settled, the ones that did not succeed all go in the reason.
                    let settled = needs.allSatisfy { outcomes[$0] != nil }
                    let blockers = needs.filter { outcomes[$0] != nil && outcomes[$0]?.artifactDigest == nil }
                    if settled, !blockers.isEmpty {
                        // A needed job failed, so this one can never run.
                        waiting.remove(at: index)
                        skipped.append(name)
                        outcomes[name] = .failed
                        report(.skipped(job: name, reason: Self.skipReason(blockers: blockers, outcomes: outcomes)))
                        index = 0
                        continue
                    }
                    guard needs.allSatisfy({ outcomes[$0]?.artifactDigest != nil }) else {
                        index += 1
                        continue
                    }
                    if (firstFailure != nil && !keepGoing) || isInterrupted() {
                        index += 1
                        continue
                    }
                    waiting.remove(at: index)
                    running += 1
                    var upstream: [Job.Name: Digest] = [:]
                    for ancestor in ancestors[name] ?? [] {
                        upstream[ancestor] = outcomes[ancestor]?.artifactDigest
                    }
                    let frozenUpstream = upstream
                    group.addTask {
                        (name, await processor.process(job, upstreamArtifacts: frozenUpstream))
                    }
                }
            }

            startReadyJobs()
            while let (name, outcome) = await group.next() {
                running -= 1
                outcomes[name] = outcome
                if outcome.artifactDigest == nil, firstFailure == nil {
                    firstFailure = name
                }
                startReadyJobs()
            }
        }

        // Whatever is still waiting never started: a failure without -k, or an interrupt.
        let interrupted = isInterrupted() || outcomes.values.contains(.interrupted)
        for name in waiting {
            let reason: String
            if interrupted {
                reason = "because the run was interrupted"
            } else if let firstFailure {
                reason = "because \(firstFailure) failed (use -k to keep going)"
            } else {
                reason = "because it could not start"
            }
            skipped.append(name)
            report(.skipped(job: name, reason: reason))
        }

        var summary = RunSummary()
        for name in names {
            switch outcomes[name] {
            case .succeeded: summary.succeeded.append(name)
            case .cached: summary.cached.append(name)
            case .failed, .interrupted:
                if !skipped.contains(name) { summary.failed.append(name) }
            case nil: break
            }
        }
        summary.skipped = skipped
        summary.interrupted = interrupted
        summary.duration = clock.now - start
        return (summary, outcomes)
    }

    /// Returns, for each of `names`, every job it needs directly or transitively.
    ///
    /// A job may read the artifacts of any job upstream of it (the order guarantees they exist),
    /// so all of their artifact digests go into its cache key, not only those of its direct needs.
    static func upstreamJobs(of names: [Job.Name], in jobs: [Job.Name: Job]) -> [Job.Name: Set<Job.Name>] {
        var result: [Job.Name: Set<Job.Name>] = [:]
        func visit(_ name: Job.Name, _ trail: Set<Job.Name>) -> Set<Job.Name> {
            if let known = result[name] { return known }
            var upstream: Set<Job.Name> = []
            for need in jobs[name]?.needs ?? [] where !trail.contains(need) {
                upstream.insert(need)
                upstream.formUnion(visit(need, trail.union([name])))
            }
            result[name] = upstream
            return upstream
        }
        for name in names {
            _ = visit(name, [])
        }
        return result
    }

    /// Explains why a job cannot run: the needed jobs that were interrupted or did not succeed.
    private static func skipReason(blockers: [Job.Name], outcomes: [Job.Name: JobOutcome]) -> String {
        let interrupted = blockers.filter { outcomes[$0] == .interrupted }
        if !interrupted.isEmpty {
            return "because \(listing(interrupted)) \(interrupted.count == 1 ? "was" : "were") interrupted"
        }
        return "because it needs \(listing(blockers)), which did not succeed"
    }

    /// Joins names as `a`, `a and b`, or `a, b and c`.
    private static func listing(_ names: [Job.Name]) -> String {
        let words = names.map(\.rawValue)
        guard words.count > 1, let last = words.last else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " and " + last
    }
}
