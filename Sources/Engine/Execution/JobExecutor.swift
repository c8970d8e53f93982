import Basics

/// Runs a job's script: each attempt in its own process group, with a timeout, output to a log
/// file and a line callback, and retries with exponential backoff.
///
/// An attempt runs `Job.shell` with the script appended (`bash -e -o pipefail -c SCRIPT`) in the
/// workspace root, with `baseEnvironment` overlaid by the workflow's and the job's `env`.
/// Any status but 0 fails the attempt, 130 and death by a signal included. A failed attempt
/// is retried until the job's `retries` are used up, except when the task was cancelled.
///
/// `run` waits for processes without blocking a concurrency thread, because dedicated threads
/// watch them.
public struct JobExecutor: Sendable {
    /// The folder that receives `<job>.log` for each job, usually `.dagrun/logs`.
    public var logFolder: String
    /// The environment every attempt starts from, usually dagrun's own.
    public var baseEnvironment: [String: String]
    /// How long a process group has to exit after `SIGTERM` before it gets `SIGKILL`.
    public var killGrace: Duration
    /// How long to keep reading output after the script has exited, for a background process
    /// that still writes; the pipes are closed after it even if such a process holds them open.
    public var drainGrace: Duration
    /// The number of last output lines that each attempt keeps for a failure summary.
    public var logTailLength: Int
    /// The registry of the attempts' process groups, so an interrupt can stop them.
    public var registry: ProcessGroupRegistry

    public init(
        logFolder: String,
        baseEnvironment: [String: String],
        killGrace: Duration = .seconds(2),
        drainGrace: Duration = .milliseconds(100),
        logTailLength: Int = 20,
        registry: ProcessGroupRegistry = .shared
    ) {
        self.logFolder = logFolder
        self.baseEnvironment = baseEnvironment
        self.killGrace = killGrace
        self.drainGrace = drainGrace
        self.logTailLength = logTailLength
        self.registry = registry
    }

    /// Returns the environment of `job`'s attempts: `baseEnvironment`, then the workflow's `env`, then
    /// the job's `env`, each overriding the one before.
    public func environment(for job: Job, in workflow: Workflow) -> [String: String] {
        baseEnvironment.merging(workflow.declaredEnvironment(for: job)) { _, declared in declared }
    }

    /// Runs `job` until an attempt succeeds or its retries are used up, and returns every attempt.
    ///
    /// Before each retry, `onRetry` receives the failed attempt and the delay, then the executor
    /// sleeps. The delay before retry k is `min(initial * factor^(k-1), maximum)` from the job's
    /// `backoff`, multiplied by a random factor from `Backoff.jitterRange`.
    ///
    /// Cancelling the calling task terminates the running attempt's process group and stops
    /// further retries.
    ///
    /// - Parameters:
    ///   - onOutputLine: Receives each complete line of output, without its line feed, as it
    ///     arrives. It is called on a monitor thread, never for two lines of one job at once.
    ///   - onRetry: Receives each retry before the executor waits for it.
    public func run(
        _ job: Job,
        in workflow: Workflow,
        onOutputLine: @escaping @Sendable (Job.Name, OutputLine) -> Void = { _, _ in },
        onRetry: @escaping @Sendable (RetryEvent) -> Void = { _ in }
    ) async -> JobRunResult {
        let log: JobLog
        do {
            log = try JobLog(folder: logFolder, job: job.name)
        } catch {
            let outcome = AttemptOutcome(number: 1, termination: .systemError(error.description), duration: .zero)
            return JobRunResult(job: job.name, attempts: [outcome], logPath: "\(logFolder)/\(job.name).log")
        }

        let attemptLimit = max(0, job.retries) + 1
        var attempts: [AttemptOutcome] = []
        for number in 1...attemptLimit {
            let outcome = await runAttempt(number, of: job, in: workflow, log: log, onOutputLine: onOutputLine)
            attempts.append(outcome)
            if outcome.succeeded || outcome.termination == .cancelled || number == attemptLimit {
                break
            }

            let delay = job.backoff.delay(beforeRetry: number, jitter: Double.random(in: Backoff.jitterRange))
            onRetry(RetryEvent(
                job: job.name,
                failedAttempt: number,
                attemptLimit: attemptLimit,
                delay: delay,
                failure: outcome.termination.description
            ))
            do {
                try await Task.sleep(for: delay)
            } catch {
                break
            }
        }
        return JobRunResult(job: job.name, attempts: attempts, logPath: log.path, logError: log.error?.description)
    }
}
