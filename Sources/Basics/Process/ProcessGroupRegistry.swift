#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Synchronization

/// The process groups of the child processes that are still running, so that an interrupt can
/// stop all of them.
///
/// `ChildProcess.spawn` registers each child's group and removes it once the child has exited.
/// Tests create their own registry, so that `terminateAll` reaches only their own children.
/// Thread-safe.
public final class ProcessGroupRegistry: Sendable {
    /// The registry that `ChildProcess.spawn` uses unless it is given another.
    public static let shared = ProcessGroupRegistry()

    private struct State {
        var groups: Set<pid_t> = []
        /// Set by `terminateAll`: a group registered afterwards is killed at once.
        var isTerminating = false
    }

    private let state = Mutex(State())

    public init() {}

    /// The process group IDs registered now.
    public var groups: Set<pid_t> {
        state.withLock { $0.groups }
    }

    /// Adds `group` to the registry.
    ///
    /// Once `terminateAll` has started, the group is sent `SIGKILL` instead, because a child
    /// spawned while dagrun stops must not outlive it.
    func register(_ group: pid_t) {
        let isTerminating = state.withLock { state in
            state.groups.insert(group)
            return state.isTerminating
        }
        if isTerminating {
            _ = killpg(group, SIGKILL)
        }
    }

    /// Removes `group` from the registry.
    func unregister(_ group: pid_t) {
        _ = state.withLock { $0.groups.remove(group) }
    }

    /// Sends `SIGTERM` to every registered process group, then `SIGKILL` to those that still
    /// have members after `grace`.
    ///
    /// Returns once every group is gone or has been sent `SIGKILL`. Groups registered after the
    /// call starts are killed at once. Cancelling the calling task does not stop the escalation.
    public func terminateAll(grace: Duration) async {
        let groups = state.withLock { state in
            state.isTerminating = true
            return state.groups
        }
        await terminateProcessGroups(groups, grace: grace)
    }
}

/// Sends `SIGTERM` to each process group, waits until every group is empty or `grace` has
/// passed, then sends `SIGKILL` to the groups that still have members.
///
/// The escalation runs in its own task, so cancelling the caller does not skip the `SIGKILL`.
/// Zombies do not count as members: where nothing reaps orphans (a container whose PID 1 is not
/// an init), a job's grandchildren stay zombies after SIGTERM, and counting them would make
/// every timeout wait the whole grace period.
func terminateProcessGroups(_ groups: Set<pid_t>, grace: Duration) async {
    guard !groups.isEmpty else {
        return
    }
    let escalation = Task {
        for group in groups {
            _ = killpg(group, SIGTERM)
        }
        let deadline = ContinuousClock.now + grace
        var remaining = groups
        while !remaining.isEmpty {
            remaining = remaining.filter(processGroupExists)
            if remaining.isEmpty || ContinuousClock.now >= deadline {
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        for group in remaining {
            _ = killpg(group, SIGKILL)
        }
    }
    await escalation.value
}

/// True while at least one process that is not a zombie belongs to `group`.
func processGroupExists(_ group: pid_t) -> Bool {
    guard killpg(group, 0) == 0 || errno == EPERM else {
        return false
    }
    return hasLiveMember(group)
}

/// Scans `/proc` for a member of `group` whose state is not `Z`; true when `/proc` is unreadable.
private func hasLiveMember(_ group: pid_t) -> Bool {
    guard let directory = opendir("/proc") else {
        return true
    }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        guard let pid = pid_t(name), let (state, processGroup) = readProcessState(pid) else {
            continue
        }
        if processGroup == group && state != "Z" {
            return true
        }
    }
    return false
}

/// Reads the state letter and process group of `pid` from `/proc/PID/stat`.
private func readProcessState(_ pid: pid_t) -> (state: Character, group: pid_t)? {
    let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        return nil
    }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 512)
    let count = read(descriptor, &buffer, buffer.count)
    guard count > 0 else {
        return nil
    }
    // The line is "PID (COMMAND) STATE PPID PGRP ...", and COMMAND may contain spaces or ')'.
    let text = String(decoding: buffer[..<count], as: UTF8.self)
    guard let close = text.lastIndex(of: ")") else {
        return nil
    }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count >= 3, let state = fields[0].first, let processGroup = pid_t(fields[2]) else {
        return nil
    }
    return (state, processGroup)
}
