import Testing
import Watcher

/// The watch tree fed with synthetic listings and records, as the read loop would feed it.
@Suite struct WatchTreeTests {
    typealias Entry = WatchTree.Entry

    /// Returns a tree for prefix `src` with the root watched as 1, `src` as 2 holding `a.c`, and `src/lib`
    /// as 3 holding `b.c` and `c.c`.
    func makeTree() -> WatchTree {
        var tree = WatchTree(scope: WatchScope(prefixes: ["src"]))
        let rootEffects = tree.didWatch(
            folder: "",
            descriptor: 1,
            entries: [Entry(name: "src", isDirectory: true), Entry(name: "docs", isDirectory: true), Entry(name: "x", isDirectory: false)],
            existingFilesKind: nil
        )
        #expect(rootEffects == [.watch(folder: "src", existingFilesKind: nil)])
        let sourceEffects = tree.didWatch(
            folder: "src",
            descriptor: 2,
            entries: [Entry(name: "a.c", isDirectory: false), Entry(name: "lib", isDirectory: true)],
            existingFilesKind: nil
        )
        #expect(sourceEffects == [.watch(folder: "src/lib", existingFilesKind: nil)])
        let libraryEffects = tree.didWatch(
            folder: "src/lib",
            descriptor: 3,
            entries: [Entry(name: "b.c", isDirectory: false), Entry(name: "c.c", isDirectory: false)],
            existingFilesKind: nil
        )
        #expect(libraryEffects.isEmpty)
        return tree
    }

    /// Applies the records that `bytes` parse to.
    func apply(_ bytes: [UInt8], to tree: inout WatchTree) -> [WatchTree.Effect] {
        let parsed = bytes.withUnsafeBytes { InotifyRecord.parse($0) }
        return parsed.records.flatMap { tree.apply($0) }
    }

    @Test func reportsFileEventsUnderPrefix() {
        var tree = makeTree()
        let bytes = InotifyRecord.encode([
            InotifyRecord(watchDescriptor: 2, mask: .closedAfterWriting, name: "a.c"),
            InotifyRecord(watchDescriptor: 1, mask: .closedAfterWriting, name: "x"),
            InotifyRecord(watchDescriptor: 3, mask: .movedTo, cookie: 5, name: "b.c"),
            InotifyRecord(watchDescriptor: 9, mask: .created, name: "unknown-watch"),
        ])
        #expect(apply(bytes, to: &tree) == [
            .report(.change(path: "src/a.c", kind: .modified)),
            .report(.change(path: "src/lib/b.c", kind: .movedIn)),
        ])
    }

    @Test func newFolderIsWatchedAndListed() {
        var tree = makeTree()
        let bytes = InotifyRecord.encode([InotifyRecord(watchDescriptor: 2, mask: [.created, .isDirectory], name: "new")])
        #expect(apply(bytes, to: &tree) == [.watch(folder: "src/new", existingFilesKind: .created)])

        let listed = tree.didWatch(
            folder: "src/new",
            descriptor: 4,
            entries: [Entry(name: "early.c", isDirectory: false), Entry(name: "deeper", isDirectory: true)],
            existingFilesKind: .created
        )
        #expect(listed == [
            .watch(folder: "src/new/deeper", existingFilesKind: .created),
            .report(.change(path: "src/new/early.c", kind: .created)),
        ])
    }

    @Test func racingListingReportsOnlyNewFiles() {
        var tree = makeTree()
        let again = tree.didWatch(
            folder: "src/lib",
            descriptor: 3,
            entries: [Entry(name: "b.c", isDirectory: false), Entry(name: "d.c", isDirectory: false)],
            existingFilesKind: .created
        )
        #expect(again == [.report(.change(path: "src/lib/d.c", kind: .created))])
    }

    @Test func ignoredRecordDropsWatch() {
        var tree = makeTree()
        let bytes = InotifyRecord.encode([
            InotifyRecord(watchDescriptor: 3, mask: .watchedFolderDeleted),
            InotifyRecord(watchDescriptor: 3, mask: .watchRemoved),
        ])
        #expect(apply(bytes, to: &tree).isEmpty)
        #expect(tree.watchedFolders == ["", "src"])
        #expect(tree.descriptor(of: "src/lib") == nil)
    }

    @Test func lateIgnoredKeepsRecreatedFolder() {
        var tree = makeTree()
        let deleted = InotifyRecord.encode([
            InotifyRecord(watchDescriptor: 3, mask: .deleted, name: "b.c"),
            InotifyRecord(watchDescriptor: 2, mask: [.deleted, .isDirectory], name: "lib"),
            InotifyRecord(watchDescriptor: 2, mask: [.created, .isDirectory], name: "lib"),
        ])
        #expect(apply(deleted, to: &tree) == [
            .report(.change(path: "src/lib/b.c", kind: .deleted)),
            .report(.change(path: "src/lib/c.c", kind: .deleted)),
            .watch(folder: "src/lib", existingFilesKind: .created),
        ])
        _ = tree.didWatch(folder: "src/lib", descriptor: 7, entries: [], existingFilesKind: .created)

        let late = InotifyRecord.encode([InotifyRecord(watchDescriptor: 3, mask: .watchRemoved)])
        #expect(apply(late, to: &tree).isEmpty)
        #expect(tree.descriptor(of: "src/lib") == 7)
    }

    @Test func renamePairSplitAcrossReads() {
        var tree = makeTree()
        let firstRead = InotifyRecord.encode([
            InotifyRecord(watchDescriptor: 2, mask: .closedAfterWriting, name: "a.c"),
            InotifyRecord(watchDescriptor: 2, mask: [.movedFrom, .isDirectory], cookie: 42, name: "lib"),
        ])
        let secondRead = InotifyRecord.encode([
            InotifyRecord(watchDescriptor: 2, mask: [.movedTo, .isDirectory], cookie: 42, name: "library"),
        ])

        #expect(apply(firstRead, to: &tree) == [.report(.change(path: "src/a.c", kind: .modified))])
        #expect(tree.hasPendingMoves)
        #expect(apply(secondRead, to: &tree) == [
            .report(.change(path: "src/lib/b.c", kind: .movedOut)),
            .report(.change(path: "src/lib/c.c", kind: .movedOut)),
            .watch(folder: "src/library", existingFilesKind: .movedIn),
        ])
        #expect(!tree.hasPendingMoves)

        // The kernel returns the moved folder's descriptor again.
        let listed = tree.didWatch(
            folder: "src/library",
            descriptor: 3,
            entries: [Entry(name: "b.c", isDirectory: false), Entry(name: "c.c", isDirectory: false)],
            existingFilesKind: .movedIn
        )
        #expect(listed == [
            .report(.change(path: "src/library/b.c", kind: .movedIn)),
            .report(.change(path: "src/library/c.c", kind: .movedIn)),
        ])
        let inside = InotifyRecord.encode([InotifyRecord(watchDescriptor: 3, mask: .closedAfterWriting, name: "b.c")])
        #expect(apply(inside, to: &tree) == [.report(.change(path: "src/library/b.c", kind: .modified))])
    }

    @Test func unpairedMoveLeavesWatchedArea() {
        var tree = makeTree()
        let bytes = InotifyRecord.encode([
            InotifyRecord(watchDescriptor: 2, mask: [.movedFrom, .isDirectory], cookie: 9, name: "lib"),
        ])
        #expect(apply(bytes, to: &tree).isEmpty)
        #expect(tree.resolvePendingMoves() == [
            .report(.change(path: "src/lib/b.c", kind: .movedOut)),
            .report(.change(path: "src/lib/c.c", kind: .movedOut)),
            .unwatch(3),
        ])
        #expect(tree.watchedFolders == ["", "src"])
        #expect(!tree.hasPendingMoves)
    }

    @Test func folderMovedOutOfPrefixLosesWatches() {
        var tree = makeTree()
        let bytes = InotifyRecord.encode([
            InotifyRecord(watchDescriptor: 2, mask: [.movedFrom, .isDirectory], cookie: 8, name: "lib"),
            InotifyRecord(watchDescriptor: 1, mask: [.movedTo, .isDirectory], cookie: 8, name: "old-lib"),
        ])
        #expect(apply(bytes, to: &tree) == [
            .report(.change(path: "src/lib/b.c", kind: .movedOut)),
            .report(.change(path: "src/lib/c.c", kind: .movedOut)),
            .unwatch(3),
        ])
        #expect(tree.watchedFolders == ["", "src"])
    }

    @Test func folderMovedInFromOutsideIsListed() {
        var tree = makeTree()
        let bytes = InotifyRecord.encode([
            InotifyRecord(watchDescriptor: 2, mask: [.movedTo, .isDirectory], cookie: 3, name: "vendor"),
            InotifyRecord(watchDescriptor: 1, mask: [.created, .isDirectory], name: "docs2"),
        ])
        #expect(apply(bytes, to: &tree) == [.watch(folder: "src/vendor", existingFilesKind: .movedIn)])
    }

    @Test func overflowListsEveryFolderAgain() {
        var tree = makeTree()
        let bytes = InotifyRecord.encode([InotifyRecord(watchDescriptor: -1, mask: .queueOverflowed)])
        #expect(apply(bytes, to: &tree) == [
            .report(.rescanNeeded),
            .watch(folder: "", existingFilesKind: nil),
            .watch(folder: "src", existingFilesKind: nil),
            .watch(folder: "src/lib", existingFilesKind: nil),
        ])

        // The new listing of src/lib replaces the stale file names and finds a folder made meanwhile.
        let relisted = tree.didWatch(
            folder: "src/lib",
            descriptor: 3,
            entries: [Entry(name: "c.c", isDirectory: false), Entry(name: "made-meanwhile", isDirectory: true)],
            existingFilesKind: nil
        )
        #expect(relisted == [.watch(folder: "src/lib/made-meanwhile", existingFilesKind: nil)])
        tree.didFailToWatch(folder: "src/lib/made-meanwhile")

        let moved = InotifyRecord.encode([InotifyRecord(watchDescriptor: 2, mask: [.movedFrom, .isDirectory], cookie: 1, name: "lib")])
        _ = apply(moved, to: &tree)
        #expect(tree.resolvePendingMoves() == [.report(.change(path: "src/lib/c.c", kind: .movedOut)), .unwatch(3)])
    }

    @Test func workspaceDeletionWarns() {
        var tree = makeTree()
        let effects = tree.apply(InotifyRecord(watchDescriptor: 1, mask: .watchedFolderDeleted))
        #expect(effects.contains(.report(.rescanNeeded)))
        #expect(effects.count == 2)
    }
}
