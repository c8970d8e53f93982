import Basics
import Synchronization

/// Prints run events: as lines for people, or as one JSON object per line for tools.
///
/// Text mode prints a line per start, cache hit, retry, success, failure and skip, then a
/// summary. A job's output is printed as one block after its success line, each line prefixed
/// with the job's name, so parallel jobs never interleave. At verbose level the lines are
/// printed as they arrive instead, and at quiet level not at all. A failed job shows the end of
/// its log. JSON mode prints every event, job output lines included, whatever the verbosity.
/// Thread-safe, because the console serializes writes and the buffers sit behind a lock.
public struct RunReporter: Sendable {
    public enum Format: Sendable {
        case text, json
    }

    /// The maximum number of a job's output lines printed in its block. The rest are in its log.
    public static let blockLineLimit = 200

    public let console: Console
    public let format: Format
    private let buffers = OutputBuffers()

    public init(console: Console, format: Format) {
        self.console = console
        self.format = format
    }

    public func report(_ event: RunEvent) {
        switch format {
        case .text: reportText(event)
        case .json: console.line(Self.json(for: event).text)
        }
    }

    // MARK: Text

    private func reportText(_ event: RunEvent) {
        let verbose = console.verbosity == .verbose
        let quiet = console.verbosity == .quiet
        switch event {
        case let .started(job, attempt, attempts, reasons):
            guard !quiet else { return }
            let attemptText = attempts > 1 ? " (attempt \(attempt) of \(attempts))" : ""
            var line = console.symbol(console.style("▶", .blue)) + "\(console.style(job.rawValue, .bold)): started\(attemptText)"
            if verbose, attempt == 1, !reasons.isEmpty {
                line += ", because " + reasons.joined(separator: "; ")
            }
            console.line(line)
        case let .cacheHit(job, artifactCount):
            guard !quiet else { return }
            let restored = artifactCount == 0 ? "" : ", \(Self.count(artifactCount, "artifact")) restored"
            console.line(console.symbol(console.style("⚡", .cyan)) + "\(console.style(job.rawValue, .bold)): cache hit\(restored)")
        case let .output(job, line):
            if verbose {
                console.line(console.style("\(job.rawValue) |", .dim) + " " + line)
            } else if !quiet {
                buffers.append(line, for: job)
            }
        case let .retrying(job, failedAttempt, attempts, delay, reason):
            // The next attempt's output replaces this one's.
            _ = buffers.take(for: job)
            guard !quiet else { return }
            console.line(
                console.symbol(console.style("↻", .yellow))
                    + "\(console.style(job.rawValue, .bold)): attempt \(failedAttempt) of \(attempts) failed (\(reason)); "
                    + "retrying in \(Self.format(delay))"
            )
        case let .succeeded(job, duration, attempts, _):
            guard !quiet else { return }
            let afterRetries = attempts > 1 ? " on attempt \(attempts)" : ""
            var lines = [
                console.symbol(console.style("✔", .green))
                    + "\(console.style(job.rawValue, .bold)): succeeded\(afterRetries) in \(Self.format(duration))",
            ]
            let (output, omitted) = buffers.take(for: job)
            lines += output.map { console.style("\(job.rawValue) |", .dim) + " " + $0 }
            if omitted > 0 {
                lines.append(console.style("\(job.rawValue) |", .dim) + " (\(Self.count(omitted, "more line")) in .dagrun/logs/\(job.rawValue).log)")
            }
            console.block(lines)
        case let .failed(job, reason, attempts, logPath, logTail):
            // The log tail below shows the end of the output instead.
            _ = buffers.take(for: job)
            let attemptsText = attempts > 1 ? " after \(attempts) attempts" : ""
            var lines = [
                console.symbol(console.style("✘", .red))
                    + "\(console.style(job.rawValue, .bold, .red)): FAILED\(attemptsText): \(reason)",
            ]
            if !logTail.isEmpty {
                lines.append("  last \(Self.count(logTail.count, "line")) of \(logPath):")
                lines += logTail.map { "  " + console.style("\(job.rawValue) |", .dim) + " " + $0 }
            }
            console.block(lines)
        case let .skipped(job, reason):
            guard !quiet else { return }
            console.line(console.symbol(console.style("⊘", .yellow)) + "\(console.style(job.rawValue, .bold)): skipped, \(reason)")
        case let .warning(job, message):
            console.warning(job.map { "\($0): \(message)" } ?? message)
        case let .finished(summary):
            reportSummary(summary)
        }
    }

    private func reportSummary(_ summary: RunSummary) {
        var parts = [
            "\(summary.succeeded.count) ran",
            "\(summary.cached.count) cached",
        ]
        if !summary.failed.isEmpty { parts.append("\(summary.failed.count) failed") }
        if !summary.skipped.isEmpty { parts.append("\(summary.skipped.count) skipped") }
        let counts = parts.joined(separator: ", ") + " in \(Self.format(summary.duration))"
        if summary.interrupted {
            console.line(console.symbol(console.style("✘", .red)) + "pipeline interrupted: " + counts)
        } else if summary.isSuccess {
            guard console.verbosity > .quiet else { return }
            console.line(console.symbol(console.style("✔", .green)) + "pipeline complete: " + counts)
        } else {
            let names = summary.failed.map(\.rawValue).joined(separator: ", ")
            console.line(console.symbol(console.style("✘", .red)) + "pipeline failed (\(names)): " + counts)
        }
    }

    // MARK: JSON

    /// Returns the JSON object for `event`; the `event` key comes first.
    public static func json(for event: RunEvent) -> JSONLine {
        var object = JSONLine()
        switch event {
        case let .started(job, attempt, attempts, reasons):
            object.add("event", "started")
            object.add("job", job.rawValue)
            object.add("attempt", attempt)
            object.add("attempts", attempts)
            object.add("reasons", reasons)
        case let .cacheHit(job, artifactCount):
            object.add("event", "cache_hit")
            object.add("job", job.rawValue)
            object.add("restored_artifacts", artifactCount)
        case let .output(job, line):
            object.add("event", "output")
            object.add("job", job.rawValue)
            object.add("line", line)
        case let .retrying(job, failedAttempt, attempts, delay, reason):
            object.add("event", "retrying")
            object.add("job", job.rawValue)
            object.add("failed_attempt", failedAttempt)
            object.add("attempts", attempts)
            object.add("delay_seconds", seconds(delay))
            object.add("reason", reason)
        case let .succeeded(job, duration, attempts, artifactCount):
            object.add("event", "succeeded")
            object.add("job", job.rawValue)
            object.add("duration_seconds", seconds(duration))
            object.add("attempts", attempts)
            object.add("artifacts", artifactCount)
        case let .failed(job, reason, attempts, logPath, logTail):
            object.add("event", "failed")
            object.add("job", job.rawValue)
            object.add("reason", reason)
            object.add("attempts", attempts)
            object.add("log", logPath)
            object.add("log_tail", logTail)
        case let .skipped(job, reason):
            object.add("event", "skipped")
            object.add("job", job.rawValue)
            object.add("reason", reason)
        case let .warning(job, message):
            object.add("event", "warning")
            if let job { object.add("job", job.rawValue) }
            object.add("message", message)
        case let .finished(summary):
            object.add("event", "finished")
            object.add("success", summary.isSuccess)
            object.add("interrupted", summary.interrupted)
            object.add("succeeded", summary.succeeded.map(\.rawValue))
            object.add("cached", summary.cached.map(\.rawValue))
            object.add("failed", summary.failed.map(\.rawValue))
            object.add("skipped", summary.skipped.map(\.rawValue))
            object.add("duration_seconds", seconds(summary.duration))
        }
        return object
    }

    // MARK: Formatting

    /// Returns `duration` in seconds as a Double.
    public static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Formats `duration` for people: `0.31s`, `12.4s`, `2m05s`.
    public static func format(_ duration: Duration) -> String {
        let total = seconds(duration)
        if total < 10 { return String(format2: total) + "s" }
        if total < 60 { return String(format1: total) + "s" }
        let minutes = Int(total) / 60
        let rest = Int(total) % 60
        return "\(minutes)m" + (rest < 10 ? "0" : "") + "\(rest)s"
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}

extension String {
    /// Formats `value` with two decimals, without Foundation.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// Formats `value` with one decimal, without Foundation.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}

/// Each running job's output lines, kept until the job ends so they print as one block.
private final class OutputBuffers: Sendable {
    private struct Buffer {
        var lines: [String] = []
        var omitted = 0
    }

    private let buffers = Mutex<[Job.Name: Buffer]>([:])

    func append(_ line: String, for job: Job.Name) {
        buffers.withLock { buffers in
            if buffers[job, default: Buffer()].lines.count < RunReporter.blockLineLimit {
                buffers[job, default: Buffer()].lines.append(line)
            } else {
                buffers[job, default: Buffer()].omitted += 1
            }
        }
    }

    /// Removes and returns `job`'s lines and the count of lines past the limit.
    func take(for job: Job.Name) -> (lines: [String], omitted: Int) {
        let buffer = buffers.withLock { $0.removeValue(forKey: job) } ?? Buffer()
        return (buffer.lines, buffer.omitted)
    }
}
