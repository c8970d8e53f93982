import Basics
import Hashing

/// Works out, for each job, whether the next `run` would run it and why, without running or
/// changing anything: the engine behind `status`, `explain` and `run --dry-run`.
///
/// Jobs are visited in topological order. A job's cache key takes the artifact digest of every
/// job upstream of it, as `run` computes it. An up-to-date upstream job contributes its last
/// successful run's digest, and a stale one whose stored result would be restored contributes
/// that result's digest. Any other stale one makes this job stale too ("upstream X is stale").
/// The current components come from `InputScanner`, so unchanged files are not read, and are
/// compared with the last successful run's: first by digest, then, only when the digests differ,
/// component by component, which reads that run's components file. When nothing differs,
/// `artifacts/<job>/` is compared with the manifest of that run.
///
/// It takes no workspace lock and writes nothing but rows of the hash index, so it can run
/// beside a `run`. Its methods block; call them from a dedicated thread.
public struct StalenessAnalyzer: Sendable {
    /// The statuses of the analyzed jobs, in topological order, with the warnings met on the way.
    public struct Report: Sendable {
        public var statuses: [JobStatus]
        /// Problems that did not stop the analysis, such as a damaged state file.
        public var warnings: [String]

        /// Returns the status of `job`, or nil when it was not analyzed.
        public func status(of job: Job.Name) -> JobStatus? {
            statuses.first { $0.job == job }
        }
    }

    public let workflow: Workflow
    public let workspace: Workspace
    let scanner: InputScanner
    let states: JobStateStore
    let actionCache: ActionCache
    let comparison: ArtifactComparison

    public init(workflow: Workflow, workspace: Workspace, index: HashIndex) {
        self.workflow = workflow
        self.workspace = workspace
        self.scanner = InputScanner(root: workspace.root, index: index)
        self.states = JobStateStore(directory: workspace.jobStateDirectory)
        let cacheDirectory = CacheDirectory(path: workspace.cacheDirectory)
        self.actionCache = ActionCache(directory: cacheDirectory)
        self.comparison = ArtifactComparison(root: workspace.root, index: index, blobs: BlobStore(directory: cacheDirectory))
    }

    /// Analyzes `names`, which must be closed under `needs` and in topological order, as
    /// `JobGraph.closure(of:)` returns them.
    ///
    /// - Throws: `GlobError`, `SystemError` or `HashingError` when a job's inputs cannot be
    ///   listed or read, or its artifacts folder cannot be compared.
    public func analyze(_ names: [Job.Name]) throws -> Report {
        let jobs = Dictionary(workflow.jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let upstreamJobs = Scheduler.upstreamJobs(of: names, in: jobs)
        var statuses: [Job.Name: JobStatus] = [:]
        var report = Report(statuses: [], warnings: [])

        for name in names {
            guard let job = jobs[name] else { continue }
            var upstreamArtifacts: [Job.Name: Digest] = [:]
            var unknownUpstream: Set<Job.Name> = []
            for upstream in upstreamJobs[name] ?? [] {
                guard let status = statuses[upstream] else { continue }
                if let digest = status.expectedArtifactDigest {
                    upstreamArtifacts[upstream] = digest
                } else {
                    unknownUpstream.insert(upstream)
                    // A forecast: the digest of its last success, so other changes still show.
                    upstreamArtifacts[upstream] = status.lastSuccess?.artifactDigest
                }
            }
            let status = try analyze(
                job,
                upstreamArtifacts: upstreamArtifacts,
                unknownUpstream: unknownUpstream,
                needs: job.needs.compactMap { statuses[$0] },
                warnings: &report.warnings
            )
            statuses[name] = status
            report.statuses.append(status)
        }
        return report
    }

    private func analyze(
        _ job: Job,
        upstreamArtifacts: [Job.Name: Digest],
        unknownUpstream: Set<Job.Name>,
        needs: [JobStatus],
        warnings: inout [String]
    ) throws -> JobStatus {
        let (components, scanWarnings) = try scanner.components(of: job, in: workflow, upstreamArtifacts: upstreamArtifacts)
        warnings += scanWarnings.map { "\(job.name): \($0)" }
        let state = states.state(for: job.name, warnings: &warnings)
        let cacheKey = components.digest

        var status = JobStatus(
            job: job.name,
            state: .stale,
            reasons: [],
            components: components,
            cacheKey: cacheKey,
            unknownUpstream: unknownUpstream,
            lastOutcome: state?.lastOutcome,
            lastSuccess: state?.lastSuccess,
            cachedArtifactDigest: nil
        )
        if state?.lastOutcome == nil, state?.lastSuccess == nil {
            status.reasons.append(.neverRun)
        }
        if !job.cacheEnabled {
            status.reasons.append(.cacheDisabled)
        }
        // A needed job whose stored result would be restored has known artifacts, so the cache
        // key comparison below covers it. Only a needed job that must run is a reason by itself.
        for need in needs where need.expectedArtifactDigest == nil {
            switch need.state {
            case .upToDate: break
            case .stale: status.reasons.append(.upstreamStale(need.job))
            case .neverRun: status.reasons.append(.upstreamNeverRun(need.job))
            }
        }
        // Comparing the keys first skips reading the last success's components file, and sorting
        // every input path, when nothing changed.
        if let lastSuccess = state?.lastSuccess, lastSuccess.keyDigest != cacheKey {
            if let lastComponents = lastSuccess.components(warnings: &warnings) {
                status.lastSuccessComponents = lastComponents
                let changes = components.differences(from: lastComponents).filter { change in
                    // An upstream job without any success has no digest to compare yet.
                    guard case .upstreamRemoved(let upstream) = change else { return true }
                    return upstreamArtifacts[upstream] != nil
                }
                status.reasons += changes.map(StaleReason.keyChanged)
            } else {
                status.reasons.append(.keyChangedWithoutDetails)
            }
        }
        if state?.lastOutcome?.outcome == .failed {
            status.reasons.append(.lastRunFailed)
        }
        if status.reasons.isEmpty, let lastSuccess = state?.lastSuccess {
            status.reasons += try artifactDifferences(of: job.name, lastSuccess: lastSuccess, warnings: &warnings)
        }

        if status.reasons.isEmpty {
            status.state = .upToDate
        } else if status.reasons.first == .neverRun {
            status.state = .neverRun
        }
        if status.state != .upToDate, job.cacheEnabled, unknownUpstream.isEmpty {
            status.cachedArtifactDigest = restorableResult(for: cacheKey, warnings: &warnings)
        }
        return status
    }

    /// Compares `artifacts/<job>/` with the manifest that the last successful run stored.
    private func artifactDifferences(
        of job: Job.Name,
        lastSuccess: JobState.Run,
        warnings: inout [String]
    ) throws -> [StaleReason] {
        guard let entry = actionCache.entry(for: lastSuccess.keyDigest, warnings: &warnings, discardsDamaged: false) else {
            return [.noCachedResult]
        }
        return try comparison.differences(of: job, from: entry.manifest)
    }

    /// Returns the artifact digest of the stored result for `key` when a run could restore it:
    /// the entry exists and the blob store contains every file of it.
    private func restorableResult(for key: Digest, warnings: inout [String]) -> Digest? {
        guard let entry = actionCache.entry(for: key, warnings: &warnings, discardsDamaged: false) else {
            return nil
        }
        guard entry.manifest.blobDigests.allSatisfy(comparison.blobs.contains) else {
            return nil
        }
        return entry.artifactDigest
    }
}
