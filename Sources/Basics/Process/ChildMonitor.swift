#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The loop that one dedicated thread runs for each child: it drains both output pipes and
/// reaps the child when its pidfd reports the exit.
///
/// After the exit it keeps reading for at most `drainGrace`, for output that is still buffered
/// or that a grandchild writes, then closes the pipes even if a grandchild holds them open.
struct ChildMonitor: Sendable {
    var processID: pid_t
    /// The child's pidfd; the monitor owns it and every output descriptor, and closes them.
    var exitDescriptor: Int32
    var outputDescriptors: [(ChildProcess.Stream, Int32)]
    var drainGrace: Duration
    var onOutput: @Sendable (ChildProcess.Stream, [UInt8]) -> Void

    /// Runs until the child has exited and its output is drained; blocks the calling thread.
    func run() -> Result<ChildProcess.ExitStatus, SystemError> {
        // Slots 0..<n are the output pipes, the last slot is the pidfd. poll skips negative
        // descriptors, so a closed slot is set to -1.
        var slots = outputDescriptors.map { pollfd(fd: $0.1, events: Int16(POLLIN), revents: 0) }
        slots.append(pollfd(fd: exitDescriptor, events: Int16(POLLIN), revents: 0))
        let exitSlot = slots.count - 1
        defer {
            for slot in slots where slot.fd >= 0 {
                close(slot.fd)
            }
        }

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var exitStatus: ChildProcess.ExitStatus?
        var drainDeadline: ContinuousClock.Instant?
        while true {
            let pipesAreOpen = slots[..<exitSlot].contains { $0.fd >= 0 }
            if let exitStatus, !pipesAreOpen {
                return .success(exitStatus)
            }
            var timeout: Int32 = -1
            if let drainDeadline, let exitStatus {
                let remaining = drainDeadline - .now
                if remaining <= .zero {
                    return .success(exitStatus)
                }
                timeout = Int32(clamping: milliseconds(roundingUp: remaining))
            }

            do {
                try retryingInterrupts("poll") { poll(&slots, nfds_t(slots.count), timeout) }
            } catch {
                return .failure(stopAfterFailure(error))
            }

            // NOTE: Order between the two streams is the order of the reads. Writes to both
            // pipes that land between two polls come out standard output first, whatever
            // order the child made them in.
            for index in 0..<exitSlot where slots[index].fd >= 0 && slots[index].revents != 0 {
                let count = (try? retryingInterrupts("read") { read(slots[index].fd, &buffer, buffer.count) }) ?? 0
                if count > 0 {
                    onOutput(outputDescriptors[index].0, Array(buffer[..<count]))
                } else {
                    // End of file, or a read error, which ends this stream just the same.
                    close(slots[index].fd)
                    slots[index].fd = -1
                }
            }

            if slots[exitSlot].fd >= 0 && slots[exitSlot].revents != 0 {
                switch reap() {
                case .success(let status?):
                    exitStatus = status
                    drainDeadline = .now + drainGrace
                    close(slots[exitSlot].fd)
                    slots[exitSlot].fd = -1
                case .success(nil):
                    break
                case .failure(let error):
                    return .failure(error)
                }
            }
        }
    }

    /// Collects the child's exit status without blocking; nil when it has not ended yet.
    private func reap() -> Result<ChildProcess.ExitStatus?, SystemError> {
        var status: Int32 = 0
        let reaped: pid_t
        do {
            reaped = try retryingInterrupts("waitpid", subject: "process \(processID)") {
                waitpid(processID, &status, WNOHANG)
            }
        } catch {
            return .failure(error)
        }
        guard reaped == processID else {
            return .success(nil)
        }
        return .success(ChildProcess.ExitStatus(waitStatus: status))
    }

    /// Kills and reaps the child after the loop itself failed, so it leaves no zombie.
    private func stopAfterFailure(_ error: SystemError) -> SystemError {
        _ = killpg(processID, SIGKILL)
        var status: Int32 = 0
        _ = try? retryingInterrupts("waitpid") { waitpid(processID, &status, 0) }
        return error
    }
}

/// `duration` in whole milliseconds, rounded up so a poll timeout never ends early.
private func milliseconds(roundingUp duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
    let partial = (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
    return seconds * 1000 + partial
}
