import Basics
import Foundation
import Hashing

/// The work for one job in a run: cache key, cache lookup and restore, or execution, artifact
/// collection and recording.
///
/// A job's result is stored under the cache key computed before it ran, and only when the key
/// computed after the run is the same: an input edited while the job ran leaves the job stale.
/// A failed job records its failure in its state file, stores nothing in the cache and leaves
/// its previous artifacts in place.
public struct JobPipeline: JobProcessor {
    public struct Options: Sendable {
        /// Run every job even when a stored result matches (`--no-cache`); results are still stored.
        public var cacheDisabled = false
        /// Set when the user interrupts the run; a job that fails after it is not recorded.
        public var interrupt: InterruptFlag
        /// True to skip a job whose last run failed with the cache key it has now, as watch mode
        /// does: such a job runs again only once its inputs or upstream artifacts change.
        public var skipsUnchangedFailures = false
        /// True to list why each job runs in its `started` event. Listing them reads and compares
        /// the last run's cache key components, which for 100,000 inputs costs about half a
        /// second, so callers set it only when the reasons are printed (`-v`, `--json`).
        public var reportsReasons = true

        public init(
            cacheDisabled: Bool = false,
            interrupt: InterruptFlag = InterruptFlag(),
            skipsUnchangedFailures: Bool = false,
            reportsReasons: Bool = true
        ) {
            self.cacheDisabled = cacheDisabled
            self.interrupt = interrupt
            self.skipsUnchangedFailures = skipsUnchangedFailures
            self.reportsReasons = reportsReasons
        }
    }

    public let workflow: Workflow
    public let workspace: Workspace
    public let scanner: InputScanner
    public let executor: JobExecutor
    public let options: Options
    public let report: @Sendable (RunEvent) -> Void

    let actionCache: ActionCache
    let artifacts: ArtifactStore
    let states: JobStateStore

    public init(
        workflow: Workflow,
        workspace: Workspace,
        index: HashIndex,
        executor: JobExecutor,
        options: Options,
        report: @escaping @Sendable (RunEvent) -> Void
    ) {
        self.workflow = workflow
        self.workspace = workspace
        self.scanner = InputScanner(root: workspace.root, index: index)
        self.executor = executor
        self.options = options
        self.report = report
        let cacheDirectory = CacheDirectory(path: workspace.cacheDirectory)
        self.actionCache = ActionCache(directory: cacheDirectory)
        self.artifacts = ArtifactStore(root: workspace.root, blobs: BlobStore(directory: cacheDirectory))
        self.states = JobStateStore(directory: workspace.jobStateDirectory)
    }

    public func process(_ job: Job, upstreamArtifacts: [Job.Name: Digest]) async -> JobOutcome {
        let before: CacheKey.Components
        do {
            before = try await offload { try self.scan(job, upstreamArtifacts) }
        } catch {
            report(.failed(job: job.name, reason: Self.describe(error), attempts: 0, logPath: "", logTail: []))
            return .failed
        }

        let key = before.digest
        if job.cacheEnabled, !options.cacheDisabled, let outcome = await restoreIfCached(job, key: key, components: before) {
            return outcome
        }
        if options.skipsUnchangedFailures, failedBefore(job.name, withKey: key) {
            report(.skipped(job: job.name, reason: "because it failed with these same inputs; it runs again once they change"))
            return .failed
        }
        return await execute(job, key: key, before: before, upstreamArtifacts: upstreamArtifacts)
    }

    // MARK: Cache hits

    /// Restores the stored result for `key`, or returns nil when there is none to use.
    private func restoreIfCached(_ job: Job, key: Digest, components: CacheKey.Components) async -> JobOutcome? {
        var warnings: [String] = []
        guard let entry = actionCache.entry(for: key, warnings: &warnings) else {
            warnings.forEach { report(.warning(job: job.name, message: $0)) }
            return nil
        }
        let restoredCount: Int
        do {
            restoredCount = try await offload {
                var restored = 0
                if try !self.artifactsMatch(entry.manifest, of: job.name) {
                    try self.artifacts.restore(entry.manifest, for: job.name)
                    restored = entry.manifest.entries.count
                }
                try self.recordSuccessIfChanged(job.name, components: components, artifactDigest: entry.artifactDigest)
                return restored
            }
        } catch let error as ArtifactError where error.isCacheMiss {
            report(.warning(job: job.name, message: "cached artifacts are incomplete (\(error.message)); running the job"))
            return nil
        } catch {
            report(.failed(job: job.name, reason: "could not restore cached artifacts: \(Self.describe(error))", attempts: 0, logPath: "", logTail: []))
            return .failed
        }
        report(.cacheHit(job: job.name, artifactCount: restoredCount))
        return .cached(artifactDigest: entry.artifactDigest)
    }

    /// Returns whether `artifacts/<job>/` already contains exactly `manifest`'s files.
    ///
    /// The check goes through the hash index, so unchanged files are compared by stat data and
    /// not read again. Any doubt returns false, and the folder is then rebuilt from the blobs.
    private func artifactsMatch(_ manifest: Manifest, of job: Job.Name) throws -> Bool {
        let folder = "artifacts/" + job.rawValue
        let present: [String]
        do {
            present = try TreeWalker(root: workspace.root).files(under: [folder])
        } catch {
            return false
        }
        let expected = manifest.entries.map { folder + "/" + $0.path }
        guard present == expected.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) else {
            return false
        }
        guard !present.isEmpty else { return true }
        let (records, missing) = try scanner.index.records(root: workspace.root, relativePaths: present)
        guard missing.isEmpty else { return false }
        let byPath = Dictionary(records.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in manifest.entries {
            guard let record = byPath[folder + "/" + entry.path] else { return false }
            if let target = entry.linkTarget {
                guard record.linkTarget == target else { return false }
            } else {
                guard record.linkTarget == nil, record.digest == entry.digest, record.mode & 0o7777 == entry.mode & 0o7777 else {
                    return false
                }
            }
        }
        return true
    }

    // MARK: Running

    private func execute(
        _ job: Job,
        key: Digest,
        before: CacheKey.Components,
        upstreamArtifacts: [Job.Name: Digest]
    ) async -> JobOutcome {
        let reasons = options.reportsReasons ? await staleReasons(job, key: key, components: before) : []
        report(.started(job: job.name, attempt: 1, attempts: job.retries + 1, reasons: reasons))

        let report = self.report
        let result = await executor.run(
            job,
            in: workflow,
            onOutputLine: { name, line in report(.output(job: name, line: line.text)) },
            onRetry: { retry in
                report(.retrying(
                    job: retry.job,
                    failedAttempt: retry.failedAttempt,
                    attempts: retry.attemptLimit,
                    delay: retry.delay,
                    reason: retry.failure
                ))
            }
        )
        if let logError = result.logError {
            report(.warning(job: job.name, message: "could not write the log \(result.logPath): \(logError)"))
        }
        let logPath = workspace.relativePath(result.logPath)

        guard result.succeeded else {
            let last = result.attempts.last
            if last?.termination == .cancelled || options.interrupt.isSet {
                report(.failed(job: job.name, reason: "interrupted", attempts: result.attempts.count, logPath: logPath, logTail: []))
                return .interrupted
            }
            recordFailure(of: job.name, components: before)
            report(.failed(
                job: job.name,
                reason: last?.termination.description ?? "did not run",
                attempts: result.attempts.count,
                logPath: logPath,
                logTail: last?.logTail ?? []
            ))
            return .failed
        }

        do {
            let manifest = try await offload { try self.collectAndRecord(job, key: key, before: before, upstreamArtifacts: upstreamArtifacts) }
            let duration = result.attempts.reduce(Duration.zero) { $0 + $1.duration }
            report(.succeeded(job: job.name, duration: duration, attempts: result.attempts.count, artifactCount: manifest.entries.count))
            return .succeeded(artifactDigest: manifest.digest)
        } catch {
            recordFailure(of: job.name, components: before)
            report(.failed(job: job.name, reason: Self.describe(error), attempts: result.attempts.count, logPath: logPath, logTail: []))
            return .failed
        }
    }

    /// Collects the artifacts of a job that succeeded and records the result.
    private func collectAndRecord(
        _ job: Job,
        key: Digest,
        before: CacheKey.Components,
        upstreamArtifacts: [Job.Name: Digest]
    ) throws -> Manifest {
        let patterns = try GlobSet(job.artifacts, purpose: .artifacts)
        let collection = try artifacts.collect(job: job.name, patterns: patterns)
        collection.warnings.forEach { report(.warning(job: job.name, message: $0)) }
        let manifest = collection.manifest

        let after = try scan(job, upstreamArtifacts)
        if after.digest == key {
            try actionCache.record(key: key, entry: ActionCache.Entry(key: key, manifest: manifest))
        } else {
            let changes = after.differences(from: before).map(\.description).joined(separator: ", ")
            report(.warning(job: job.name, message: "inputs changed while the job ran (\(changes)); its result is not cached and it stays stale"))
        }
        // The state keeps the components the job ran with, so a later status reports the edit.
        try states.recordSuccess(of: job.name, components: before, artifactDigest: manifest.digest)
        return manifest
    }

    // MARK: Helpers

    /// Records a failed run; a state file that cannot be written is a warning, because the
    /// failure itself is what the user needs to see.
    private func recordFailure(of job: Job.Name, components: CacheKey.Components) {
        do {
            try states.recordFailure(of: job, components: components)
        } catch {
            report(.warning(job: job, message: "could not record the failure: \(error.description)"))
        }
    }

    private func scan(_ job: Job, _ upstreamArtifacts: [Job.Name: Digest]) throws -> CacheKey.Components {
        let (components, warnings) = try scanner.components(of: job, in: workflow, upstreamArtifacts: upstreamArtifacts)
        warnings.forEach { report(.warning(job: job.name, message: $0)) }
        return components
    }

    /// Writes a success record unless the last outcome is a success with this cache key and
    /// artifact digest, so a run of cache hits writes no state or components files.
    private func recordSuccessIfChanged(_ job: Job.Name, components: CacheKey.Components, artifactDigest: Digest) throws {
        var ignored: [String] = []
        let state = states.state(for: job, warnings: &ignored)
        if let last = state?.lastOutcome, last.outcome == .succeeded, last.keyDigest == components.digest,
           last.artifactDigest == artifactDigest {
            return
        }
        try states.recordSuccess(of: job, components: components, artifactDigest: artifactDigest)
    }

    /// Returns whether the last run of `job` failed with the cache key `key`.
    private func failedBefore(_ job: Job.Name, withKey key: Digest) -> Bool {
        var ignored: [String] = []
        guard let last = states.state(for: job, warnings: &ignored)?.lastOutcome else {
            return false
        }
        return last.outcome == .failed && last.keyDigest == key
    }

    /// Lists why `job` runs, by comparing `components`, whose digest is `key`, with its last
    /// successful run's. That run's components file is read only when the keys differ.
    private func staleReasons(_ job: Job, key: Digest, components: CacheKey.Components) async -> [String] {
        if options.cacheDisabled { return ["--no-cache"] }
        if !job.cacheEnabled { return ["cache: false"] }
        var ignored: [String] = []
        guard let last = states.state(for: job.name, warnings: &ignored)?.lastSuccess else {
            return ["never run"]
        }
        guard last.keyDigest != key else {
            return [StaleReason.noCachedResult.description]
        }
        var warnings: [String] = []
        guard let lastComponents = last.components(warnings: &warnings) else {
            warnings.forEach { report(.warning(job: job.name, message: $0)) }
            return [StaleReason.keyChangedWithoutDetails.description]
        }
        let changes = components.differences(from: lastComponents).map(\.description)
        return changes.isEmpty ? [StaleReason.noCachedResult.description] : changes
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as any UserError:
            return (error.location.map { "\($0): " } ?? "") + error.message
        case let error as SystemError:
            return error.description
        default:
            return String(describing: error)
        }
    }
}
