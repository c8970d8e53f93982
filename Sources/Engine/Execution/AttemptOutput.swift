import Basics
import Synchronization

/// Receives one attempt's output chunks: writes them to the job's log, cuts them into lines for
/// the output callback, and keeps the last lines for a failure summary.
///
/// Chunks come from the child's monitor thread, one at a time, so lines reach the callback in
/// the order they were read. Thread-safe.
final class AttemptOutput: Sendable {
    private struct State {
        var standardOutput = OutputLineSplitter(stream: .standardOutput)
        var standardError = OutputLineSplitter(stream: .standardError)
        /// The last `tailLength` lines, oldest first.
        var tail: [String] = []
    }

    private let job: Job.Name
    private let log: JobLog
    private let tailLength: Int
    private let onLine: @Sendable (Job.Name, OutputLine) -> Void
    private let state = Mutex(State())

    init(job: Job.Name, log: JobLog, tailLength: Int, onLine: @escaping @Sendable (Job.Name, OutputLine) -> Void) {
        self.job = job
        self.log = log
        self.tailLength = tailLength
        self.onLine = onLine
    }

    /// Handles one chunk of output from `stream`.
    func receive(_ stream: ChildProcess.Stream, _ bytes: [UInt8]) {
        log.append(bytes)
        let lines = state.withLock { state in
            let lines: [OutputLine]
            switch stream {
            case .standardOutput:
                lines = state.standardOutput.append(bytes)
            case .standardError:
                lines = state.standardError.append(bytes)
            }
            remember(lines, in: &state)
            return lines
        }
        for line in lines {
            onLine(job, line)
        }
    }

    /// Passes on the last line of each stream when it had no final line feed, and returns the
    /// tail. Call it once, after the process has exited.
    func finish() -> [String] {
        let (lines, tail) = state.withLock { state in
            let lines = [state.standardOutput.finish(), state.standardError.finish()].compactMap { $0 }
            remember(lines, in: &state)
            return (lines, state.tail)
        }
        for line in lines {
            onLine(job, line)
        }
        return tail
    }

    private func remember(_ lines: [OutputLine], in state: inout State) {
        state.tail.append(contentsOf: lines.map(\.text))
        if state.tail.count > tailLength {
            state.tail.removeFirst(state.tail.count - tailLength)
        }
    }
}
