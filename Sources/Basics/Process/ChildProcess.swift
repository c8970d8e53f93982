#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Synchronization

/// A program running in its own process group, with its standard output and standard error
/// drained by a dedicated thread.
///
/// `spawn` starts the program with `posix_spawn`, so no Swift code runs between `fork` and
/// `exec`. The child gets standard input from `/dev/null`, an empty signal mask, default signal
/// dispositions, no descriptors beyond 0, 1 and 2, and a new process group whose ID is its PID.
///
/// One thread per child reads both pipes with `poll` and reaps the child with `waitpid` as soon
/// as a pidfd reports its exit. Exit is detected from the child itself, not from the end of its
/// output: a background grandchild that keeps a pipe open delays the result by at most the drain
/// grace period. Thread-safe.
public final class ChildProcess: Sendable {
    /// One of the child's two output pipes.
    public enum Stream: Sendable, Hashable {
        case standardOutput
        case standardError
    }

    /// The child's process ID, which is also the ID of its process group.
    public let processID: pid_t

    private enum Completion {
        case running(waiters: [CheckedContinuation<Result<ExitStatus, SystemError>, Never>])
        case finished(Result<ExitStatus, SystemError>)
    }

    private let completion = Mutex(Completion.running(waiters: []))

    init(processID: pid_t) {
        self.processID = processID
    }

    /// Starts `arguments[0]` with the remaining arguments, in `directory`, with exactly
    /// `environment` as its environment.
    ///
    /// A program name without a slash is looked up in `environment["PATH"]`, not in dagrun's own
    /// `PATH`. The child's process group is added to `registry` until the child exits.
    ///
    /// - Parameters:
    ///   - drainGrace: How long to keep reading output after the child has exited, for bytes
    ///     that a grandchild still writes; then the pipes are closed.
    ///   - onOutput: Receives each chunk of output as it arrives, called serially on the
    ///     child's monitor thread, so chunks of the two streams arrive in the order they were read.
    /// - Throws: `SystemError` when the directory is missing, the program is not found, or a
    ///   system call fails; no process is left running then.
    public static func spawn(
        arguments: [String],
        environment: [String: String],
        directory: String,
        registry: ProcessGroupRegistry = .shared,
        drainGrace: Duration = .milliseconds(100),
        onOutput: @escaping @Sendable (Stream, [UInt8]) -> Void
    ) throws(SystemError) -> ChildProcess {
        let launch = try Launch(arguments: arguments, environment: environment, directory: directory)
        let started = try launch.start()
        let process = ChildProcess(processID: started.processID)
        registry.register(started.processID)

        let monitor = ChildMonitor(
            processID: started.processID,
            exitDescriptor: started.exitDescriptor,
            outputDescriptors: [
                (.standardOutput, started.standardOutput),
                (.standardError, started.standardError),
            ],
            drainGrace: drainGrace,
            onOutput: onOutput
        )
        do {
            try DedicatedThread.start(name: "child \(started.processID)") {
                let result = monitor.run()
                registry.unregister(started.processID)
                process.finish(with: result)
            }
        } catch {
            // Without a monitor thread, stop the child here and reap it before reporting.
            kill(-started.processID, SIGKILL)
            _ = monitor.run()
            registry.unregister(started.processID)
            throw error
        }
        return process
    }

    /// Waits until the child has exited and its output has been drained, and returns how it ended.
    ///
    /// Every `onOutput` call has returned before this returns. Cancelling the waiting task does
    /// not stop the child: call `terminate(grace:)` for that. Any number of tasks may wait.
    ///
    /// - Throws: `SystemError` when polling or `waitpid` fails, for example with `ECHILD` when
    ///   something else in the process reaped the child first.
    public func waitForExit() async throws(SystemError) -> ExitStatus {
        let result = await withCheckedContinuation { continuation in
            let finished: Result<ExitStatus, SystemError>? = completion.withLock { completion in
                switch completion {
                case .running(var waiters):
                    waiters.append(continuation)
                    completion = .running(waiters: waiters)
                    return nil
                case .finished(let result):
                    return result
                }
            }
            if let finished {
                continuation.resume(returning: finished)
            }
        }
        return try result.get()
    }

    /// Sends `SIGTERM` to the child's process group, grandchildren included, then `SIGKILL`
    /// to whatever is left of the group after `grace`.
    ///
    /// Returns when the group is empty or has been sent `SIGKILL`, which is usually before
    /// `waitForExit` returns.
    public func terminate(grace: Duration) async {
        await terminateProcessGroups([processID], grace: grace)
    }

    private func finish(with result: Result<ExitStatus, SystemError>) {
        let waiters = completion.withLock { completion in
            guard case .running(let waiters) = completion else {
                return [CheckedContinuation<Result<ExitStatus, SystemError>, Never>]()
            }
            completion = .finished(result)
            return waiters
        }
        for waiter in waiters {
            waiter.resume(returning: result)
        }
    }
}
