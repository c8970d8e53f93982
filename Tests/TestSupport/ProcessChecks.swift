#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Foundation

/// True when `pid` no longer runs. A zombie counts as gone, because the init process of some
/// containers never reaps the orphans it inherits.
public func processIsGone(_ pid: pid_t) -> Bool {
    if kill(pid, 0) != 0 && errno == ESRCH {
        return true
    }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let afterName = stat.range(of: ") ", options: .backwards)
    else {
        return true
    }
    return stat[afterName.upperBound...].first == "Z"
}

/// Waits up to `timeout` until `pid` is gone, and returns whether it went.
public func waitUntilGone(_ pid: pid_t, timeout: Duration = .seconds(10)) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if processIsGone(pid) {
            return true
        }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return processIsGone(pid)
}
