import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
import TestSupport

/// `dagrun watch` as a user runs it: the built binary in a copy of a fixture, edited while it
/// watches, then stopped with SIGINT sent to its PID only.
@Suite struct WatchEndToEndTests {
    @Test func editRerunsBuildAndCutsOff() async throws {
        // The copy leaves out state that running the README's example in place leaves behind.
        let directory = try Fixtures.copy("seed")
        defer { directory.remove() }
        let watch = try WatchProcess(in: directory.path)
        defer { watch.kill() }

        try #require(await watch.waitForLine(containing: "waiting for changes", count: 1), "\(watch.output)")
        #expect(watch.output.contains("build: started"))

        let main = directory.path + "/src/main.c"
        let source = try String(contentsOfFile: main, encoding: .utf8)
        try (source + "\n/* an edit */\n").write(toFile: main, atomically: false, encoding: .utf8)

        try #require(await watch.waitForLine(containing: "waiting for changes", count: 2), "\(watch.output)")
        let cycle = watch.output.components(separatedBy: "waiting for changes")[1]
        #expect(cycle.contains("src/main.c -> build (inputs src/**) -> test, package"))
        #expect(cycle.contains("build: started"))
        // build writes the same app.txt, so test and package stay cached (early cutoff).
        #expect(cycle.contains("test: cache hit"))
        #expect(cycle.contains("package: cache hit"))

        #expect(await watch.interrupt() == 130)
    }

    @Test func interruptMidJobStopsGrandchild() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("src/mode.txt", "fast")
        try directory.write("workflow.yml", """
            jobs:
              - name: build
                runs: |
                  if [ "$(cat src/mode.txt)" = "slow" ]; then
                    sleep 300 &
                    echo $! > grandchild.pid
                    wait
                  fi
                inputs: [src/**]
            """)
        let watch = try WatchProcess(in: directory.path)
        defer { watch.kill() }
        try #require(await watch.waitForLine(containing: "waiting for changes", count: 1), "\(watch.output)")

        try directory.write("src/mode.txt", "slow")
        let deadline = ContinuousClock.now + .seconds(30)
        while !directory.exists("grandchild.pid") || (try? directory.read("grandchild.pid"))?.hasSuffix("\n") != true {
            try #require(ContinuousClock.now < deadline, "the job did not start: \(watch.output)")
            try await Task.sleep(for: .milliseconds(50))
        }
        let pid = try #require(Int32(try directory.read("grandchild.pid").trimmingCharacters(in: .whitespacesAndNewlines)))

        #expect(await watch.interrupt() == 130)
        let gone = ContinuousClock.now + .seconds(10)
        while Glibc.kill(pid, 0) == 0, ContinuousClock.now < gone {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Glibc.kill(pid, 0) == -1)
    }
}

/// A running `dagrun watch` whose standard output is collected as it arrives.
final class WatchProcess: Sendable {
    /// The output read so far, in a class so the reading callback can share it.
    private final class Collected: Sendable {
        let text = Mutex("")
    }

    private let process: Process
    private let collected = Collected()

    init(in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.dagrunPath)
        process.arguments = ["watch"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = CommandRunner.environment()
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        self.process = process
        pipe.fileHandleForReading.readabilityHandler = { [collected] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                collected.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        try process.run()
    }

    /// Everything the process printed on standard output so far.
    var output: String { collected.text.withLock { $0 } }

    /// Returns true once `text` has appeared `count` times, false after `limit`.
    func waitForLine(containing text: String, count: Int, within limit: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if output.components(separatedBy: text).count - 1 >= count {
                return true
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Sends SIGINT to the process and returns its exit status, or nil when it is still running
    /// after `limit`.
    func interrupt(within limit: Duration = .seconds(30)) async -> Int32? {
        Glibc.kill(process.processIdentifier, SIGINT)
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Ends the process with SIGKILL if it is still running, so a failed test leaves nothing behind.
    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
        }
    }
}
