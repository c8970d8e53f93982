import Testing
@testable import Watcher

@Suite struct InotifyRecordTests {
    @Test func parsesPaddedNames() {
        let records = [
            InotifyRecord(watchDescriptor: 1, mask: .created, name: "a.c"),
            InotifyRecord(watchDescriptor: 2, mask: [.created, .isDirectory], name: "exactly-sixteen!"),
            InotifyRecord(watchDescriptor: 1, mask: .watchedFolderDeleted),
        ]
        let bytes = InotifyRecord.encode(records)
        #expect(bytes.count == 16 + 16 + 16 + 32 + 16)

        let parsed = bytes.withUnsafeBytes { InotifyRecord.parse($0) }
        #expect(parsed.records == records)
        #expect(parsed.isComplete)
    }

    @Test func parsesRenamePairCookie() {
        let records = [
            InotifyRecord(watchDescriptor: 3, mask: [.movedFrom, .isDirectory], cookie: 77, name: "old"),
            InotifyRecord(watchDescriptor: 4, mask: [.movedTo, .isDirectory], cookie: 77, name: "new"),
        ]
        let parsed = InotifyRecord.encode(records).withUnsafeBytes { InotifyRecord.parse($0) }
        #expect(parsed.records.map(\.cookie) == [77, 77])
        #expect(parsed.records.map(\.name) == ["old", "new"])
    }

    @Test(arguments: [1, 15, 16, 20, 31])
    func truncatedTailIsIncomplete(droppedBytes: Int) {
        let records = [
            InotifyRecord(watchDescriptor: 1, mask: .closedAfterWriting, name: "first"),
            InotifyRecord(watchDescriptor: 1, mask: .closedAfterWriting, name: "second"),
        ]
        let bytes = InotifyRecord.encode(records).dropLast(droppedBytes)
        let parsed = Array(bytes).withUnsafeBytes { InotifyRecord.parse($0) }
        #expect(parsed.records == [records[0]])
        #expect(!parsed.isComplete)
    }

    @Test func parsesEmptyRead() {
        let parsed = [UInt8]().withUnsafeBytes { InotifyRecord.parse($0) }
        #expect(parsed.records.isEmpty)
        #expect(parsed.isComplete)
    }

    @Test func overflowRecordAsksForRescan() {
        let bytes = InotifyRecord.encode([InotifyRecord(watchDescriptor: -1, mask: .queueOverflowed)])
        let parsed = bytes.withUnsafeBytes { InotifyRecord.parse($0) }
        #expect(parsed.records.count == 1)
        #expect(parsed.records.first?.watchDescriptor == -1)

        var tree = WatchTree(scope: WatchScope(prefixes: ["src"]))
        let effects = parsed.records.flatMap { tree.apply($0) }
        #expect(effects == [.report(.rescanNeeded)])
    }

    @Test func folderWatchMaskHasNoModify() {
        #expect(!InotifyMask.folderWatch.contains(.modified))
        #expect(InotifyMask.folderWatch.contains([.closedAfterWriting, .movedTo, .attributesChanged]))
        #expect(InotifyMask.folderWatch.contains([.onlyDirectory, .dontFollow, .excludeUnlinked]))
    }
}
