#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Testing
import TestSupport
@testable import Basics

@Suite struct ProcessGroupRegistryTests {
    @Test func registersUntilExit() async throws {
        let registry = ProcessGroupRegistry()
        let (process, _) = try spawnScript("sleep 60", registry: registry)
        #expect(registry.groups == [process.processID])

        await process.terminate(grace: .seconds(5))
        _ = try await process.waitForExit()
        #expect(registry.groups.isEmpty)
    }

    @Test func terminateAllStopsChildAndGrandchild() async throws {
        let registry = ProcessGroupRegistry()
        let (process, output) = try spawnScript("sleep 60 & echo $!; sleep 60", registry: registry)
        try #require(await output.waitForLines(1))
        let grandchild = try #require(pid_t(output.text(of: .standardOutput).split(separator: "\n")[0]))

        await registry.terminateAll(grace: .seconds(5))
        let status = try await process.waitForExit()

        #expect(status == .signaled(SIGTERM))
        #expect(await waitUntilGone(process.processID))
        #expect(await waitUntilGone(grandchild))
    }

    @Test func terminateAllKillsWhatIgnoresTerm() async throws {
        let registry = ProcessGroupRegistry()
        // The ignored SIGTERM is inherited by the shell's own child, `sleep`.
        let (process, output) = try spawnScript("trap '' TERM; sleep 60 & echo $!; wait", registry: registry)
        try #require(await output.waitForLines(1))
        let grandchild = try #require(pid_t(output.text(of: .standardOutput).split(separator: "\n")[0]))

        await registry.terminateAll(grace: .milliseconds(200))
        let status = try await process.waitForExit()

        #expect(status == .signaled(SIGKILL))
        #expect(await waitUntilGone(grandchild))
    }

    @Test func childSpawnedAfterTerminateAllIsKilled() async throws {
        let registry = ProcessGroupRegistry()
        await registry.terminateAll(grace: .milliseconds(100))
        let (process, _) = try spawnScript("sleep 60", registry: registry)
        let status = try await process.waitForExit()
        #expect(status == .signaled(SIGKILL))
    }
}
