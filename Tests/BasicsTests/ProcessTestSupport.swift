#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Foundation
import Synchronization
@testable import Basics

/// The output a child wrote, collected from its monitor thread.
final class CollectedOutput: Sendable {
    private let chunks = Mutex<[(ChildProcess.Stream, [UInt8])]>([])

    func append(_ stream: ChildProcess.Stream, _ bytes: [UInt8]) {
        chunks.withLock { $0.append((stream, bytes)) }
    }

    func bytes(of stream: ChildProcess.Stream) -> [UInt8] {
        chunks.withLock { chunks in
            chunks.filter { $0.0 == stream }.flatMap(\.1)
        }
    }

    func text(of stream: ChildProcess.Stream) -> String {
        String(decoding: bytes(of: stream), as: UTF8.self)
    }

    /// Waits up to `timeout` until standard output contains `count` lines; false when it never did.
    func waitForLines(_ count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if bytes(of: .standardOutput).filter({ $0 == UInt8(ascii: "\n") }).count >= count {
                return true
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

/// The environment the test process was started with, as children should see it.
let testEnvironment = ProcessInfo.processInfo.environment

/// Starts `bash -c script` with its own registry and collects its output.
func spawnScript(
    _ script: String,
    environment: [String: String] = testEnvironment,
    directory: String = "/",
    registry: ProcessGroupRegistry = ProcessGroupRegistry()
) throws -> (ChildProcess, CollectedOutput) {
    let output = CollectedOutput()
    let process = try ChildProcess.spawn(
        arguments: ["bash", "-c", script],
        environment: environment,
        directory: directory,
        registry: registry,
        onOutput: output.append
    )
    return (process, output)
}

/// True when `pid` no longer runs. A zombie counts as gone, because the init process of some
/// containers never reaps the orphans it inherits.
func processIsGone(_ pid: pid_t) -> Bool {
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

/// Waits up to `timeout` until `pid` is gone; returns whether it went.
func waitUntilGone(_ pid: pid_t, timeout: Duration = .seconds(10)) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if processIsGone(pid) {
            return true
        }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return processIsGone(pid)
}
