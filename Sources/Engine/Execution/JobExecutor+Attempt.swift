import Basics

extension JobExecutor {
    /// Runs one attempt of `job` and waits for it to end, its output drained.
    ///
    /// A timeout sends `SIGTERM` to the attempt's process group, then `SIGKILL` after
    /// `killGrace`, and the attempt counts as timed out however its process then ended.
    /// Cancelling the calling task does the same and the attempt counts as cancelled.
    func runAttempt(
        _ number: Int,
        of job: Job,
        in workflow: Workflow,
        log: JobLog,
        onOutputLine: @escaping @Sendable (Job.Name, OutputLine) -> Void
    ) async -> AttemptOutcome {
        log.beginAttempt(number)
        let output = AttemptOutput(job: job.name, log: log, tailLength: logTailLength, onLine: onOutputLine)
        let start = ContinuousClock.now

        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(
                arguments: Job.shell + [job.script],
                environment: environment(for: job, in: workflow),
                directory: workflow.root,
                registry: registry,
                drainGrace: drainGrace,
                onOutput: output.receive
            )
        } catch {
            let message = error.description
            log.append(Array("dagrun: \(message)\n".utf8))
            return AttemptOutcome(number: number, termination: .systemError(message), duration: .now - start)
        }

        let killGrace = killGrace
        let timer: Task<Bool, Never>? = job.timeout.map { limit in
            Task {
                do {
                    try await Task.sleep(for: limit)
                } catch {
                    return false
                }
                await process.terminate(grace: killGrace)
                return true
            }
        }

        let status = await withTaskCancellationHandler {
            await Self.waitForExit(of: process)
        } onCancel: {
            Task {
                await process.terminate(grace: killGrace)
            }
        }
        timer?.cancel()
        let timedOut = await timer?.value ?? false
        let duration = ContinuousClock.now - start
        let tail = output.finish()

        let termination: AttemptOutcome.Termination
        switch status {
        case _ where Task.isCancelled:
            termination = .cancelled
        case .success where timedOut:
            termination = .timedOut(job.timeout ?? duration)
        case .success(.exited(let code)):
            termination = .exited(code)
        case .success(.signaled(let signal)):
            termination = .signaled(signal)
        case .failure(let error):
            termination = .systemError(error.description)
        }
        return AttemptOutcome(number: number, termination: termination, duration: duration, logTail: tail)
    }

    private static func waitForExit(of process: ChildProcess) async -> Result<ChildProcess.ExitStatus, SystemError> {
        do {
            return .success(try await process.waitForExit())
        } catch {
            return .failure(error)
        }
    }
}
