import Testing
import TestSupport
@testable import Watcher

@Suite struct PollingSnapshotTests {
    typealias Status = PollingSnapshot.FileStatus

    static let original = Status(size: 10, modificationSeconds: 100, changeSeconds: 100, inode: 7, mode: 0o100644)

    @Test func classifiesChanges() {
        var before = PollingSnapshot()
        before.files = [
            "same": Self.original,
            "written": Self.original,
            "chmodded": Self.original,
            "replaced": Self.original,
            "removed": Self.original,
        ]
        var after = before
        after.files["written"]?.modificationSeconds = 101
        after.files["chmodded"]?.mode = 0o100755
        after.files["chmodded"]?.changeSeconds = 101
        after.files["replaced"]?.inode = 8
        after.files["removed"] = nil
        after.files["added"] = Self.original

        #expect(PollingSnapshot.changes(from: before, to: after) == [
            FileChange(path: "added", kinds: .created),
            FileChange(path: "chmodded", kinds: .attributes),
            FileChange(path: "removed", kinds: .deleted),
            FileChange(path: "replaced", kinds: .modified),
            FileChange(path: "written", kinds: .modified),
        ])
    }

    @Test func scanSkipsIgnoredAndUncoveredPaths() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("src/a.c", "")
        try directory.write("src/deep/b.c", "")
        try directory.write("docs/c.md", "")
        try directory.write("config.yml", "")
        try directory.write(".git/HEAD", "")

        let scope = WatchScope(prefixes: ["src", "config.yml", "src/deep", ".git"])
        let snapshot = PollingSnapshot.scan(workspace: directory.path, scope: scope)
        #expect(snapshot.files.keys.sorted() == ["config.yml", "src/a.c", "src/deep/b.c"])
    }
}
