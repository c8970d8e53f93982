import Foundation

/// The result of a finished command: its exit status and everything it printed.
public struct CommandResult: Sendable {
    public var status: Int32
    public var output: String
    public var error: String

    /// Standard output split into lines, without the trailing empty line.
    public var outputLines: [String] {
        output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }
}

/// Runs programs as real child processes for tests, with an explicit folder and environment.
///
/// Tests use it for the built `dagrun` binary, git and shell helpers. It never changes the test
/// process's own folder or environment.
public enum CommandRunner {
    /// The built `dagrun` executable, which SwiftPM puts beside the test bundle.
    public static var dagrunPath: String {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // The bundle is .build/<triple>/debug/dagrunPackageTests.xctest, a file on Linux.
        if folder.lastPathComponent.hasSuffix(".xctest") {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("dagrun").path
    }

    /// Returns the environment tests run commands with: this process's, without colour, plus `extra`.
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.removeValue(forKey: "DAGRUN_CACHE_DIR")
        return environment.merging(extra) { _, new in new }
    }

    /// Runs `dagrun` with `arguments` in `directory` and waits for it.
    public static func dagrun(
        _ arguments: [String],
        in directory: String,
        environment extra: [String: String] = [:],
        timeout: TimeInterval = 120
    ) async throws -> CommandResult {
        try await run(dagrunPath, arguments, in: directory, environment: environment(extra), timeout: timeout)
    }

    /// Runs `executable` (a path, or a name looked up in PATH) and waits at most `timeout` seconds.
    ///
    /// The wait happens on a Dispatch thread, not on the caller's. Swift Testing runs tests on a
    /// pool with one thread per core, so a test that blocked it for the length of a child
    /// process would starve every other test. Output is collected on background threads so that a
    /// chatty program cannot fill a pipe. A program still running at the timeout is killed and
    /// the result has status -1.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        in directory: String,
        environment: [String: String]? = nil,
        timeout: TimeInterval = 120
    ) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try runBlocking(executable, arguments, in: directory, environment: environment, timeout: timeout)
                })
            }
        }
    }

    private static func runBlocking(
        _ executable: String,
        _ arguments: [String],
        in directory: String,
        environment: [String: String]?,
        timeout: TimeInterval
    ) throws -> CommandResult {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment ?? Self.environment()
        process.standardInput = FileHandle.nullDevice
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe

        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isOutput) in [(outputPipe, true), (errorPipe, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isOutput: isOutput)
                group.leave()
            }
        }
        try process.run()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            finished.signal()
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            _ = group.wait(timeout: .now() + 5)
            return CommandResult(status: -1, output: collected.output, error: collected.error + "\n[timed out]")
        }
        _ = group.wait(timeout: .now() + 10)
        return CommandResult(status: process.terminationStatus, output: collected.output, error: collected.error)
    }

    /// Runs a bash script in `directory`, for test setup steps such as git commands.
    @discardableResult
    public static func shell(_ script: String, in directory: String, environment: [String: String]? = nil) async throws -> CommandResult {
        try await run("/bin/bash", ["-e", "-o", "pipefail", "-c", script], in: directory, environment: environment)
    }
}

/// Output gathered by reader threads; the lock makes the two streams' stores safe.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var outputData = Data()
    private var errorData = Data()

    func store(_ data: Data, isOutput: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isOutput { outputData = data } else { errorData = data }
    }

    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: outputData, as: UTF8.self)
    }

    var error: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: errorData, as: UTF8.self)
    }
}
