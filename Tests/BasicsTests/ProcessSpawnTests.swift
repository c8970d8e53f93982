#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Basics

@Suite struct ProcessSpawnTests {
    @Test(arguments: [
        ("exit 0", ChildProcess.ExitStatus.exited(0)),
        ("exit 1", .exited(1)),
        ("exit 3", .exited(3)),
        ("exit 130", .exited(130)),
        ("kill -KILL $$", .signaled(SIGKILL)),
        ("kill -TERM $$", .signaled(SIGTERM)),
    ])
    func exitStatus(script: String, expected: ChildProcess.ExitStatus) async throws {
        let (process, _) = try spawnScript(script)
        let status = try await process.waitForExit()
        #expect(status == expected)
        #expect(status.isSuccess == (expected == .exited(0)))
    }

    @Test func exitStatusDescriptions() {
        #expect(ChildProcess.ExitStatus.exited(3).description == "exited with status 3")
        #expect(ChildProcess.ExitStatus.signaled(9).description == "killed by signal 9 (SIGKILL)")
        #expect(ChildProcess.ExitStatus.signaled(15).description == "killed by signal 15 (SIGTERM)")
        #expect(signalName(200) == "signal 200")
    }

    @Test func bothStreamsDelivered() async throws {
        let (process, output) = try spawnScript("echo out; echo err >&2")
        _ = try await process.waitForExit()
        #expect(output.text(of: .standardOutput) == "out\n")
        #expect(output.text(of: .standardError) == "err\n")
    }

    @Test func largeOutputOnBothStreamsDoesNotDeadlock() async throws {
        let mebibyte = 1024 * 1024
        // Both writers run at once; an undrained pipe would block one of them forever.
        let script = "head -c \(mebibyte) /dev/zero >&2 & head -c \(mebibyte) /dev/zero; wait"
        let (process, output) = try spawnScript(script)
        let status = try await process.waitForExit()
        #expect(status == .exited(0))
        #expect(output.bytes(of: .standardOutput).count == mebibyte)
        #expect(output.bytes(of: .standardError).count == mebibyte)
    }

    @Test func backgroundGrandchildHoldingOutputDoesNotHang() async throws {
        let (process, output) = try spawnScript("sleep 60 & echo $!; echo done")
        let started = ContinuousClock.now
        let status = try await process.waitForExit()
        let elapsed = ContinuousClock.now - started
        let lines = output.text(of: .standardOutput).split(separator: "\n")
        let grandchild = try #require(lines.first.flatMap { pid_t($0) })
        defer { _ = kill(grandchild, SIGKILL) }

        #expect(status == .exited(0))
        #expect(lines.last == "done")
        #expect(elapsed < .seconds(30))
        #expect(!processIsGone(grandchild))
    }

    @Test func environmentIsExactlyTheOneGiven() async throws {
        let environment = ["PATH": testEnvironment["PATH"] ?? "/usr/bin:/bin", "GREETING": "hello world"]
        let (process, output) = try spawnScript(#"echo "$GREETING"; echo "${HOME-unset}""#, environment: environment)
        _ = try await process.waitForExit()
        #expect(output.text(of: .standardOutput) == "hello world\nunset\n")
    }

    @Test func runsInGivenDirectory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (process, output) = try spawnScript("pwd -P", directory: directory.path)
        _ = try await process.waitForExit()
        #expect(output.text(of: .standardOutput) == directory.path + "\n")
    }

    @Test func childHasOnlyStandardDescriptors() async throws {
        // A descriptor opened without O_CLOEXEC, as code outside dagrun's control may do.
        let leaked = open("/dev/null", O_RDONLY)
        try #require(leaked >= 0)
        defer { close(leaked) }

        // `ls` itself opens one descriptor, 3, to list the folder.
        let (process, output) = try spawnScript("ls /proc/self/fd")
        _ = try await process.waitForExit()
        #expect(output.text(of: .standardOutput).split(separator: "\n") == ["0", "1", "2", "3"])
    }

    @Test func standardInputIsDevNull() async throws {
        let (process, output) = try spawnScript("readlink /proc/self/fd/0")
        _ = try await process.waitForExit()
        #expect(output.text(of: .standardOutput) == "/dev/null\n")
    }

    @Test func signalMaskAndIgnoredSignalsAreEmpty() async throws {
        let (process, output) = try spawnScript("grep -E '^(SigBlk|SigIgn):' /proc/self/status")
        _ = try await process.waitForExit()
        var masks: [String: UInt64] = [:]
        for line in output.text(of: .standardOutput).split(separator: "\n") {
            let fields = line.split(separator: "\t")
            masks[String(fields[0])] = UInt64(fields[1], radix: 16)
        }
        // Bit N-1 stands for signal N. glibc's posix_spawn sets its own internal signals 32
        // and 33 to ignored in every child, so only the standard signals 1-31 are checked.
        let standardSignals: UInt64 = 0x7fff_ffff
        #expect(masks["SigBlk:"].map { $0 & standardSignals } == 0)
        #expect(masks["SigIgn:"].map { $0 & standardSignals } == 0)
    }

    @Test func childLeadsItsOwnProcessGroup() async throws {
        // Field 5 of /proc/PID/stat is the process group; `$$` is the shell's PID.
        let (process, output) = try spawnScript(#"read -r -a fields < /proc/$$/stat; echo "${fields[4]}""#)
        _ = try await process.waitForExit()
        #expect(output.text(of: .standardOutput) == "\(process.processID)\n")
    }

    @Test func missingDirectoryThrows() throws {
        let error = #expect(throws: SystemError.self) {
            _ = try spawnScript("true", directory: "/nonexistent-dagrun-folder")
        }
        #expect(error?.subject == "/nonexistent-dagrun-folder")
        #expect(error?.code == ENOENT)
    }

    @Test func missingProgramThrows() throws {
        let error = #expect(throws: SystemError.self) {
            _ = try ChildProcess.spawn(
                arguments: ["dagrun-no-such-program"],
                environment: ["PATH": "/usr/bin:/bin"],
                directory: "/",
                registry: ProcessGroupRegistry(),
                onOutput: { _, _ in }
            )
        }
        #expect(error?.code == ENOENT)
        #expect(error?.subject?.contains("dagrun-no-such-program") == true)
    }
}

// MARK: - Helpers shared by the process tests

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
