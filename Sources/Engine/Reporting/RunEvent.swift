/// Something that happened during a run, in the order the scheduler saw it.
public enum RunEvent: Sendable {
    /// An attempt of `job` started; `attempt` counts from 1 up to `attempts`.
    case started(job: Job.Name, attempt: Int, attempts: Int, reasons: [String])
    /// The job's cache key matched a stored result. `artifactCount` files had to be restored
    /// into `artifacts/<job>/`, and 0 means they were already in place.
    case cacheHit(job: Job.Name, artifactCount: Int)
    /// One line of the job's output, without its newline.
    case output(job: Job.Name, line: String)
    /// An attempt failed and another follows after `delay`.
    case retrying(job: Job.Name, failedAttempt: Int, attempts: Int, delay: Duration, reason: String)
    case succeeded(job: Job.Name, duration: Duration, attempts: Int, artifactCount: Int)
    /// The job failed for good; `logTail` holds the last lines of its log.
    case failed(job: Job.Name, reason: String, attempts: Int, logPath: String, logTail: [String])
    /// The job did not run, because of `reason` (such as a failed upstream job).
    case skipped(job: Job.Name, reason: String)
    /// A problem that did not stop the job, such as an artifacts pattern that matched nothing.
    case warning(job: Job.Name?, message: String)
    /// The run ended.
    case finished(RunSummary)
}

/// The counts of a finished run.
public struct RunSummary: Sendable, Equatable {
    public var succeeded: [Job.Name] = []
    public var cached: [Job.Name] = []
    public var failed: [Job.Name] = []
    public var skipped: [Job.Name] = []
    public var duration: Duration = .zero
    /// True when an interrupt stopped the run.
    public var interrupted = false

    public init() {}

    /// True when no job failed and the run was not interrupted.
    public var isSuccess: Bool { failed.isEmpty && !interrupted }
}
