import Basics

/// The result of running a job: every attempt, in order, and where its output was logged.
public struct JobRunResult: Sendable {
    public var job: Job.Name
    /// At least one attempt; the last one decides whether the job succeeded.
    public var attempts: [AttemptOutcome]
    /// The log file that contains every attempt's full output.
    public var logPath: String
    /// The reason writing the log file failed, when it did. The attempts ran regardless.
    public var logError: String?

    public init(job: Job.Name, attempts: [AttemptOutcome], logPath: String, logError: String? = nil) {
        self.job = job
        self.attempts = attempts
        self.logPath = logPath
        self.logError = logError
    }

    /// True when the last attempt succeeded.
    public var succeeded: Bool {
        attempts.last?.succeeded ?? false
    }
}

/// A failed attempt that will be retried after `delay`, reported before the executor waits.
public struct RetryEvent: Sendable, CustomStringConvertible {
    public var job: Job.Name
    /// The number of the attempt that failed, 1 for the first.
    public var failedAttempt: Int
    /// The number of attempts the job may make in all: its `retries` plus one.
    public var attemptLimit: Int
    /// The wait before the next attempt, jitter included.
    public var delay: Duration
    /// The reason the attempt failed, such as "exited with status 3".
    public var failure: String

    public init(job: Job.Name, failedAttempt: Int, attemptLimit: Int, delay: Duration, failure: String) {
        self.job = job
        self.failedAttempt = failedAttempt
        self.attemptLimit = attemptLimit
        self.delay = delay
        self.failure = failure
    }

    /// "attempt 1 of 3 exited with status 3, retrying in 1.2s".
    public var description: String {
        let delayText = AttemptOutcome.Termination.format(delay)
        return "attempt \(failedAttempt) of \(attemptLimit) \(failure), retrying in \(delayText)"
    }
}
