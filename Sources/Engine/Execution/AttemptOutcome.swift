import Basics

/// The result of one attempt of a job: its termination, its duration and its last lines of output.
public struct AttemptOutcome: Sendable {
    /// The reason an attempt's process ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// The script exited with this status; only 0 is success, and 130 is a failure too.
        case exited(Int32)
        /// The script's shell was killed by this signal number.
        case signaled(Int32)
        /// The attempt ran longer than the job's `timeout`, which this is, and was terminated.
        case timedOut(Duration)
        /// The task awaiting the attempt was cancelled, and the attempt was terminated.
        case cancelled
        /// The attempt could not be run or watched; the message names the failed system call.
        case systemError(String)

        /// A phrase for messages: "exited with status 3", "killed by signal 9 (SIGKILL)",
        /// "timed out after 10s".
        public var description: String {
            switch self {
            case .exited(let status):
                return ChildProcess.ExitStatus.exited(status).description
            case .signaled(let signal):
                return ChildProcess.ExitStatus.signaled(signal).description
            case .timedOut(let limit):
                return "timed out after \(Self.format(limit))"
            case .cancelled:
                return "cancelled"
            case .systemError(let message):
                return "could not run: \(message)"
            }
        }

        /// Writes a duration, rounded to milliseconds, in the units a workflow uses for it:
        /// "10s", "5m", "1h", "500ms", or seconds with a fraction, such as "1.25s".
        static func format(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
            let roundedMilliseconds = (attoseconds + attosecondsPerMillisecond / 2) / attosecondsPerMillisecond
            let milliseconds = seconds * 1000 + roundedMilliseconds
            if milliseconds > 0 && milliseconds % 3_600_000 == 0 {
                return "\(milliseconds / 3_600_000)h"
            }
            if milliseconds > 0 && milliseconds % 60_000 == 0 {
                return "\(milliseconds / 60_000)m"
            }
            if milliseconds % 1000 == 0 {
                return "\(milliseconds / 1000)s"
            }
            if milliseconds < 1000 {
                return "\(milliseconds)ms"
            }
            // Three digits of fraction with the trailing zeros dropped: 1250 -> "1.25s".
            var fraction = String(milliseconds % 1000 + 1000).dropFirst()
            while fraction.last == "0" {
                fraction = fraction.dropLast()
            }
            return "\(milliseconds / 1000).\(fraction)s"
        }
    }

    /// The attempt's number, 1 for the first.
    public var number: Int
    public var termination: Termination
    /// The wall-clock time from spawning the script to the end of its output. A timed-out
    /// attempt also counts the wait for its process group to end, up to the kill grace.
    public var duration: Duration
    /// The attempt's last lines of output, from both streams in arrival order, for a failure
    /// summary. The log file has the full output.
    public var logTail: [String]

    public init(number: Int, termination: Termination, duration: Duration, logTail: [String] = []) {
        self.number = number
        self.termination = termination
        self.duration = duration
        self.logTail = logTail
    }

    /// True when the script exited with status 0.
    public var succeeded: Bool {
        termination == .exited(0)
    }
}
