import Engine
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import Watcher

/// Watch cycles on real folders: real inotify, real jobs, the real hash index and cache.
///
/// Expected cycles get up to 20 s and "nothing more ran" is concluded after 1 s, because the
/// machine running the tests may be busy.
@Suite struct WatchSessionTests {
    @Test func firstCycleRunsEveryJob() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        let first = try #require(harness.cycles.first)
        #expect(first.summary?.succeeded == ["build", "test"])
        #expect(await harness.stop() == 130)
    }

    @Test func newFileInNewNestedFolder() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        try harness.directory.write("src/x/y/z/new.c", "new")

        let cycle = try #require(await harness.cycleRunning("build", after: 1))
        #expect(cycle.changedPaths.contains("src/x/y/z/new.c"))
        #expect(cycle.triggeredJobs == ["build"])
        #expect(cycle.summary?.succeeded == ["build", "test"])
        #expect(await harness.stop() == 130)
    }

    @Test func atomicSaveByRenameRunsOnce() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        try harness.directory.write("src/.a.c.swp", "edited")
        try harness.move("src/.a.c.swp", to: "src/a.c")

        let cycle = try #require(await harness.cycleRunning("build", after: 1))
        #expect(cycle.triggeredJobs == ["build"])
        let later = await harness.cycles(after: cycle.number)
        #expect(later.allSatisfy { $0.summary == nil })
        #expect(await harness.stop() == 130)
    }

    @Test func touchWithoutChangeRunsNothing() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        let file = harness.directory.path + "/src/a.c"
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1000)], ofItemAtPath: file)

        let cycle = try #require(await harness.cycle(2))
        #expect(cycle.triggeredJobs == ["build"])
        #expect(cycle.changedJobs.isEmpty)
        #expect(cycle.summary == nil)
        #expect(await harness.stop() == 130)
    }

    @Test func saveWithoutEditRunsNothing() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "same"])
        defer { harness.directory.remove() }

        try harness.directory.write("src/a.c", "same")

        let cycle = try #require(await harness.cycle(2))
        #expect(cycle.changedJobs.isEmpty)
        #expect(cycle.summary == nil)
        #expect(await harness.stop() == 130)
    }

    @Test func changeOutsideInputsTriggersNothing() async throws {
        let workflow = SessionHarness.buildAndTest.replacingOccurrences(of: "[src/**]", with: "[src/**/*.c]")
        let harness = try await SessionHarness(workflow: workflow, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }

        try harness.directory.write("docs/guide.md", "outside every prefix")
        try harness.directory.write("src/notes.md", "under the prefix, matched by no glob")

        let cycle = try #require(await harness.cycle(2))
        #expect(cycle.changedPaths == ["src/notes.md"])
        #expect(cycle.triggeredJobs.isEmpty)
        #expect(cycle.summary == nil)
        let later = await harness.cycles(after: 2)
        #expect(later.isEmpty)
        #expect(await harness.stop() == 130)
    }

    @Test func thousandFilesGiveOneRun() async throws {
        let harness = try await SessionHarness(
            workflow: SessionHarness.buildAndTest,
            files: ["src/a.c": "a"],
            debounce: .milliseconds(300)
        )
        defer { harness.directory.remove() }

        for number in 0..<1000 {
            try harness.directory.write("src/many/file\(number).c", "\(number)")
        }

        let cycle = try #require(await harness.cycleRunning("build", after: 1))
        #expect(cycle.changedPaths.count == 1000)
        let later = await harness.cycles(after: cycle.number, waiting: .seconds(2))
        #expect(later.allSatisfy { $0.summary == nil })
        #expect(await harness.stop() == 130)
    }

    @Test func folderMovedInAndOut() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a"])
        defer { harness.directory.remove() }
        try harness.directory.write("outside/lib/b.c", "b")
        try harness.directory.write("outside/lib/deep/c.c", "c")

        try harness.move("outside/lib", to: "src/lib")
        let movedIn = try #require(await harness.cycleRunning("build", after: 1))
        #expect(movedIn.changedPaths == ["src/lib/b.c", "src/lib/deep/c.c"])

        // The tree is as in the first cycle again, so build is scheduled and hits the cache.
        try harness.move("src/lib", to: "outside/lib")
        let movedOut = try #require(await harness.cycleScheduling("build", after: movedIn.number))
        #expect(movedOut.changedPaths == ["src/lib/b.c", "src/lib/deep/c.c"])
        #expect(movedOut.summary?.cached == ["build", "test"])

        // The moved-out folder's watches are gone: an edit there triggers nothing.
        try harness.directory.write("outside/lib/b.c", "changed outside")
        let later = await harness.cycles(after: movedOut.number)
        #expect(later.isEmpty)
        #expect(await harness.stop() == 130)
    }

    @Test func deleteAndRecreate() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/a.c": "a", "src/b.c": "b"])
        defer { harness.directory.remove() }

        try FileManager.default.removeItem(atPath: harness.directory.path + "/src/b.c")
        let deleted = try #require(await harness.cycleRunning("build", after: 1))
        #expect(deleted.changedPaths == ["src/b.c"])

        // The tree is as in the first cycle again, so build is scheduled and hits the cache.
        try harness.directory.write("src/b.c", "b")
        let recreated = try #require(await harness.cycleScheduling("build", after: deleted.number))
        #expect(recreated.changedPaths == ["src/b.c"])
        #expect(recreated.summary?.cached == ["build", "test"])
        #expect(await harness.stop() == 130)
    }

    @Test func permissionChangeRunsJob() async throws {
        let harness = try await SessionHarness(workflow: SessionHarness.buildAndTest, files: ["src/run.sh": "echo"])
        defer { harness.directory.remove() }

        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: harness.directory.path + "/src/run.sh")

        let cycle = try #require(await harness.cycleRunning("build", after: 1))
        #expect(cycle.changedJobs == ["build"])
        #expect(await harness.stop() == 130)
    }
}
