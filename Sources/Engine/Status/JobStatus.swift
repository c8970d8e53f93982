import Hashing

/// Whether a job would run, and why: what `status`, `explain` and `run --dry-run` print.
public struct JobStatus: Sendable {
    /// The state of a job as `status` names it.
    public enum State: String, Sendable, Hashable {
        /// The last successful run matches the current cache key and its artifacts are in place.
        case upToDate = "up-to-date"
        /// The job would run, or have its artifacts restored, on the next `run`.
        case stale
        /// The job has no recorded run at all.
        case neverRun = "never-run"
    }

    /// The next `run`'s work on the job.
    public enum Action: String, Sendable, Hashable {
        /// Nothing: the job is up to date.
        case none
        /// Restore the stored result for the current cache key without running the job.
        case restore
        /// Run the job's script.
        case run
    }

    public var job: Job.Name
    public var state: State
    /// The reasons the job is stale or never-run, most important first. Empty when it is up to date.
    public var reasons: [StaleReason]
    /// The cache key components as the files are now.
    ///
    /// An upstream job in `unknownUpstream` enters with the artifact digest of its last
    /// successful run, or not at all when it has none, so the key is only a forecast then.
    public var components: CacheKey.Components
    /// The digest of `components`, computed once because it encodes every input.
    public var cacheKey: Digest
    /// Upstream jobs whose next artifact digest cannot be known before they run.
    public var unknownUpstream: Set<Job.Name>
    /// The job's most recent run, successful or not.
    public var lastOutcome: JobState.Run?
    /// The job's most recent successful run.
    public var lastSuccess: JobState.Run?
    /// The components of `lastSuccess`, read only when its key differs from `cacheKey`.
    /// It is nil when the keys are equal, or when the components file is missing or damaged.
    public var lastSuccessComponents: CacheKey.Components? = nil
    /// The artifact digest of the stored result for the current cache key, when the key is fully
    /// known, the job is cached and the store contains every blob of that result.
    public var cachedArtifactDigest: Digest?

    /// The artifact digest that downstream jobs will see after the next run, or nil when only
    /// running the job can tell.
    public var expectedArtifactDigest: Digest? {
        if state == .upToDate {
            return lastSuccess?.artifactDigest
        }
        return cachedArtifactDigest
    }

    /// The next `run`'s work: restore when a stored result matches, otherwise run.
    public var action: Action {
        if state == .upToDate {
            return .none
        }
        return cachedArtifactDigest == nil ? .run : .restore
    }

    /// True when the cache key is fully known, so `cacheKey` is the key the next run uses.
    public var isKeyKnown: Bool { unknownUpstream.isEmpty }
}

/// One reason why a job is not up to date, worded as `status` prints it.
public enum StaleReason: Sendable, Hashable, CustomStringConvertible {
    /// The job has no recorded run.
    case neverRun
    /// The job sets `cache: false`, so it runs every time.
    case cacheDisabled
    /// A job that this one needs is stale, so this one runs after it.
    case upstreamStale(Job.Name)
    /// A job that this one needs has never run.
    case upstreamNeverRun(Job.Name)
    /// A component of the cache key differs from the last successful run.
    case keyChanged(CacheKey.Change)
    /// The cache key differs from the last successful run's, but that run's components file is
    /// missing or damaged, so the changed components cannot be listed.
    case keyChangedWithoutDetails
    /// The most recent run failed.
    case lastRunFailed
    /// The last successful run's result is no longer in the cache, so the job runs again.
    case noCachedResult
    /// A file of the last successful run's artifacts is gone from `artifacts/<job>/`.
    /// `isRestorable` is true when the cache still contains its contents.
    case artifactMissing(path: String, isRestorable: Bool)
    /// A file in `artifacts/<job>/` differs from the last successful run's.
    case artifactModified(path: String, isRestorable: Bool)
    /// A file in `artifacts/<job>/` that the last successful run did not collect.
    case artifactAdded(path: String)

    public var description: String {
        switch self {
        case .neverRun: "never run"
        case .cacheDisabled: "cache: false"
        case .upstreamStale(let job): "upstream \(job) is stale"
        case .upstreamNeverRun(let job): "upstream \(job) has never run"
        case .keyChanged(let change): change.description
        case .keyChangedWithoutDetails: "cache key changed (details unavailable)"
        case .lastRunFailed: "last run failed"
        case .noCachedResult: "no cached result for this cache key"
        case .artifactMissing(let path, let isRestorable): "\(path) missing" + Self.restoreNote(isRestorable)
        case .artifactModified(let path, let isRestorable): "\(path) modified" + Self.restoreNote(isRestorable)
        case .artifactAdded(let path): "\(path) was not collected by the last run"
        }
    }

    /// A stable identifier of the reason's kind, for `--json`.
    public var kind: String {
        switch self {
        case .neverRun: "never_run"
        case .cacheDisabled: "cache_disabled"
        case .upstreamStale: "upstream_stale"
        case .upstreamNeverRun: "upstream_never_run"
        case .keyChanged(let change): change.kind
        case .keyChangedWithoutDetails: "key_changed"
        case .lastRunFailed: "last_run_failed"
        case .noCachedResult: "no_cached_result"
        case .artifactMissing: "artifact_missing"
        case .artifactModified: "artifact_modified"
        case .artifactAdded: "artifact_added"
        }
    }

    /// The file, job or variable that the reason names, for `--json`; nil when it names none.
    public var subject: String? {
        switch self {
        case .neverRun, .cacheDisabled, .lastRunFailed, .noCachedResult, .keyChangedWithoutDetails: nil
        case .upstreamStale(let job), .upstreamNeverRun(let job): job.rawValue
        case .keyChanged(let change): change.subject
        case .artifactMissing(let path, _), .artifactModified(let path, _), .artifactAdded(let path): path
        }
    }

    private static func restoreNote(_ isRestorable: Bool) -> String {
        isRestorable ? " (restorable from the cache)" : " (not in the cache, so the job runs again)"
    }
}

extension CacheKey.Change {
    /// A stable identifier of the change's kind, for `--json`.
    public var kind: String {
        switch self {
        case .formatVersionChanged: "format_version_changed"
        case .scriptChanged: "script_changed"
        case .shellChanged: "shell_changed"
        case .environmentAdded: "env_added"
        case .environmentRemoved: "env_removed"
        case .environmentChanged: "env_changed"
        case .patternsChanged: "patterns_changed"
        case .inputAdded: "input_added"
        case .inputDeleted: "input_deleted"
        case .inputModified: "input_modified"
        case .upstreamAdded: "needs_added"
        case .upstreamRemoved: "needs_removed"
        case .upstreamArtifactsChanged: "upstream_artifacts_changed"
        }
    }

    /// The file, job or variable that the change names; nil when it names none.
    public var subject: String? {
        switch self {
        case .formatVersionChanged, .scriptChanged, .shellChanged, .patternsChanged: nil
        case .environmentAdded(let name), .environmentRemoved(let name), .environmentChanged(let name): name
        case .inputAdded(let path), .inputDeleted(let path), .inputModified(let path): path
        case .upstreamAdded(let job), .upstreamRemoved(let job), .upstreamArtifactsChanged(let job): job.rawValue
        }
    }
}
