import Basics
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import Watcher

/// The watcher on real folders with real inotify.
///
/// Expected batches get up to 5 s, and "nothing came" is concluded after 300 ms, because the
/// machine running the tests may be busy.
@Suite struct FileWatcherTests {
    func makeWatcher(
        _ directory: TemporaryDirectory,
        prefixes: [String] = ["src"],
        ignoredPaths: [String] = [],
        debounce: Duration = .milliseconds(100),
        forcesPolling: Bool = false
    ) throws -> (FileWatcher, BatchCollector) {
        let configuration = WatchConfiguration(
            workspace: directory.path,
            scope: WatchScope(prefixes: prefixes, ignoredPaths: ignoredPaths),
            debounce: debounce,
            pollingInterval: .milliseconds(100),
            forcesPolling: forcesPolling
        )
        let watcher = try FileWatcher(configuration)
        return (watcher, BatchCollector(watcher))
    }

    /// Renames with `rename(2)`, which replaces an existing file as editors' atomic saves do.
    func move(_ source: String, to destination: String) throws {
        try retryingInterrupts("rename", subject: source) { rename(source, destination) }
    }

    @Test func newFileInNewNestedFolder() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: "\(directory.path)/src", withIntermediateDirectories: true)
        let (watcher, collector) = try makeWatcher(directory)
        defer { watcher.stop() }

        try directory.write("src/a/b/c/new.txt", "fresh")

        let changes = await collector.changes(including: ["src/a/b/c/new.txt"])
        #expect(changes["src/a/b/c/new.txt"]?.isDisjoint(with: [.created, .modified]) == false)
        #expect(changes.keys.sorted() == ["src/a/b/c/new.txt"])
    }

    @Test func atomicSaveByRename() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("src/main.c", "int main;")
        let (watcher, collector) = try makeWatcher(directory)
        defer { watcher.stop() }

        try directory.write("src/.main.c.swp", "int main(void);")
        try move("\(directory.path)/src/.main.c.swp", to: "\(directory.path)/src/main.c")

        let changes = await collector.changes(including: ["src/main.c", "src/.main.c.swp"])
        #expect(changes["src/main.c"]?.contains(.movedIn) == true)
        #expect(changes["src/.main.c.swp"]?.contains(.movedOut) == true)
    }

    @Test func touchReportsAttributes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("src/touched.c", "same")
        let (watcher, collector) = try makeWatcher(directory)
        defer { watcher.stop() }

        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1000)], ofItemAtPath: file)

        let batch = await collector.nextBatch()
        #expect(batch?.changes == [FileChange(path: "src/touched.c", kinds: .attributes)])
    }

    @Test func changeOutsidePrefixesGivesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("src/kept.c", "")
        try directory.write("docs/guide.md", "")
        let (watcher, collector) = try makeWatcher(directory)
        defer { watcher.stop() }

        try directory.write("docs/guide.md", "changed")
        try directory.write("README.md", "new")
        try directory.write("srcx/file.c", "a sibling folder whose name starts like the prefix")
        #expect(await collector.batches(during: .milliseconds(300)).isEmpty)

        try directory.write("src/kept.c", "changed")
        let batch = await collector.nextBatch()
        #expect(batch?.paths == ["src/kept.c"])
    }

    @Test func thousandFilesMakeOneBatch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: "\(directory.path)/src", withIntermediateDirectories: true)
        let (watcher, collector) = try makeWatcher(directory, debounce: .milliseconds(250))
        defer { watcher.stop() }

        let data = Data("x".utf8)
        for index in 0..<1000 {
            try data.write(to: URL(fileURLWithPath: "\(directory.path)/src/file\(index).txt"))
        }

        let batch = await collector.nextBatch()
        #expect(batch?.changes.count == 1000)
        #expect(batch?.isRescanNeeded == false)
        #expect(await collector.batches(during: .milliseconds(300)).isEmpty)
    }

    @Test func folderMovedInThenOut() async throws {
        let directory = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        defer {
            directory.remove()
            outside.remove()
        }
        try FileManager.default.createDirectory(atPath: "\(directory.path)/src", withIntermediateDirectories: true)
        try outside.write("package/one.c", "1")
        try outside.write("package/nested/two.c", "2")
        let (watcher, collector) = try makeWatcher(directory)
        defer { watcher.stop() }

        try move("\(outside.path)/package", to: "\(directory.path)/src/package")
        let movedIn = await collector.changes(including: ["src/package/one.c", "src/package/nested/two.c"])
        #expect(movedIn["src/package/one.c"] == .movedIn)
        #expect(movedIn["src/package/nested/two.c"] == .movedIn)

        try move("\(directory.path)/src/package", to: "\(outside.path)/package")
        let movedOut = await collector.changes(including: ["src/package/one.c", "src/package/nested/two.c"])
        #expect(movedOut["src/package/one.c"] == .movedOut)
        #expect(movedOut["src/package/nested/two.c"] == .movedOut)

        // The watches went with the folder: writing there now reports nothing.
        try outside.write("package/nested/two.c", "changed outside")
        #expect(await collector.batches(during: .milliseconds(300)).isEmpty)
    }

    @Test func folderRenamedInsidePrefix() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("src/old/deep/file.c", "")
        let (watcher, collector) = try makeWatcher(directory)
        defer { watcher.stop() }

        try move("\(directory.path)/src/old", to: "\(directory.path)/src/new")
        let changes = await collector.changes(including: ["src/old/deep/file.c", "src/new/deep/file.c"])
        #expect(changes["src/old/deep/file.c"] == .movedOut)
        #expect(changes["src/new/deep/file.c"] == .movedIn)

        try directory.write("src/new/deep/file.c", "edited after the rename")
        let edited = await collector.changes(including: ["src/new/deep/file.c"])
        #expect(edited["src/new/deep/file.c"]?.contains(.modified) == true)
    }

    @Test func watchedFolderDeletedAndRecreated() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("src/lib/a.c", "")
        let (watcher, collector) = try makeWatcher(directory)
        defer { watcher.stop() }

        try FileManager.default.removeItem(atPath: "\(directory.path)/src")
        let deleted = await collector.changes(including: ["src/lib/a.c"])
        #expect(deleted["src/lib/a.c"] == .deleted)

        try directory.write("src/lib/b.c", "again")
        let created = await collector.changes(including: ["src/lib/b.c"])
        #expect(created["src/lib/b.c"]?.isDisjoint(with: [.created, .modified]) == false)
    }

    @Test func gitAndDagrunFoldersIgnored() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(".git/HEAD", "ref: refs/heads/main")
        let (watcher, collector) = try makeWatcher(directory, prefixes: [""], ignoredPaths: ["report.xml"])
        defer { watcher.stop() }

        try directory.write(".git/HEAD", "ref: refs/heads/other")
        try directory.write(".git/objects/ab/cdef", "blob")
        try directory.write(".dagrun/index.db", "state")
        try directory.write("artifacts/build/app", "binary")
        try directory.write("report.xml", "<testsuites/>")
        #expect(await collector.batches(during: .milliseconds(300)).isEmpty)

        try directory.write("main.c", "int main;")
        let changes = await collector.changes(including: ["main.c"])
        #expect(changes.keys.sorted() == ["main.c"])
    }

    @Test func forcedPollingSeesChange() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("src/polled.c", "1")
        let (watcher, collector) = try makeWatcher(directory, forcesPolling: true)
        defer { watcher.stop() }

        try directory.write("src/polled.c", "22")
        try directory.write("src/sub/added.c", "3")
        try directory.write("outside.c", "4")

        let changes = await collector.changes(including: ["src/polled.c", "src/sub/added.c"])
        #expect(changes["src/polled.c"] == .modified)
        #expect(changes["src/sub/added.c"] == .created)
        #expect(changes["outside.c"] == nil)
    }

    @Test func stopFinishesStream() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (watcher, collector) = try makeWatcher(directory)

        watcher.stop()
        watcher.stop()

        let deadline = ContinuousClock.now + .seconds(5)
        while !collector.hasFinished && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(collector.hasFinished)
    }

    @Test func missingWorkspaceThrows() throws {
        let configuration = WatchConfiguration(workspace: "/nonexistent/dagrun-workspace", scope: WatchScope(prefixes: [""]))
        #expect(throws: SystemError.self) {
            _ = try FileWatcher(configuration)
        }
    }
}

extension FileWatcherTests {
    @Test func watchLimitSwitchesToPolling() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("src/a/one.c", "1")
        try directory.write("src/b/two.c", "2")
        var configuration = WatchConfiguration(
            workspace: directory.path,
            scope: WatchScope(prefixes: ["src"]),
            pollingInterval: .milliseconds(100)
        )
        configuration.simulatedWatchLimit = 2
        let watcher = try FileWatcher(configuration)
        defer { watcher.stop() }
        let collector = BatchCollector(watcher)

        let warning = await collector.nextBatch()
        #expect(warning?.isRescanNeeded == true)
        #expect(warning?.warnings.count == 1)
        #expect(warning?.warnings.first?.contains("sysctl fs.inotify.max_user_watches=524288") == true)
        #expect(warning?.warnings.first?.contains("every 100 ms") == true)

        try directory.write("src/b/two.c", "changed")
        let changes = await collector.changes(including: ["src/b/two.c"])
        #expect(changes["src/b/two.c"] == .modified)
    }

    @Test func filePrefixSavedByRename() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("config/app.yml", "a: 1")
        let (watcher, collector) = try makeWatcher(directory, prefixes: ["config/app.yml"])
        defer { watcher.stop() }

        try directory.write("config/other.yml", "not an input")
        try directory.write("config/app.yml.tmp", "a: 2")
        try move("\(directory.path)/config/app.yml.tmp", to: "\(directory.path)/config/app.yml")

        let changes = await collector.changes(including: ["config/app.yml"])
        #expect(changes.keys.sorted() == ["config/app.yml"])
        #expect(changes["config/app.yml"] == .movedIn)
    }
}
