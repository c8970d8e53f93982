import Foundation
import Testing
import TestSupport
@testable import Hashing

/// Batches above `IndexStore.scanThreshold` paths, which merge with a scan of the index and stat
/// in parallel chunks of `PathObserver.chunkSize`, one folder lookup per run of paths.
@Suite struct LargeBatchTests {
    /// Writes 1,200 aged files in 40 folders and a few at the top, and returns their paths.
    private func writeTree(in folder: TemporaryDirectory) throws -> [String] {
        var files: [String: String] = [:]
        for number in 0..<1_200 {
            files["dir\(number % 40)/sub\(number % 3)/file\(number)"] = "content \(number)"
        }
        files["top.txt"] = "top"
        files["dir7.txt"] = "sorts between dir7 and dir8 in byte order, not in folder order"
        return try writeAgedFiles(files, in: folder)
    }

    @Test func shuffledBatchComesBackSortedAndUnread() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeTree(in: folder)
        try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/dir3/sub1/link", withDestinationPath: "file43")
        let absent = ["dir3/sub1/nothing", "nofolder/file", "top.txt/under-a-file"]
        let request = (paths + ["dir3/sub1/link"] + absent).shuffled()
        let index = try HashIndex(path: "\(folder.path)/index.db")

        let first = try index.records(root: folder.path, relativePaths: request)
        let second = try index.records(root: folder.path, relativePaths: request)

        let expectedPaths = (paths + ["dir3/sub1/link"]).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(first.records.map(\.path) == expectedPaths)
        #expect(Set(first.missing) == Set(absent))
        #expect(second.records == first.records)
        #expect(index.statistics.filesRead == paths.count + 1)
        #expect(first.records.first { $0.path == "dir3/sub1/link" }?.digest == SHA256.hash("content 43"))
        var hasher = FileHasher()
        for record in first.records where record.path.hasPrefix("dir1/") {
            #expect(record.digest == (try hasher.digest(ofFileAt: "\(folder.path)/\(record.path)")), "\(record.path)")
        }
    }

    @Test func deletionsAndEditsInLargeBatch() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeTree(in: folder)
        let database = "\(folder.path)/index.db"
        let index = try HashIndex(path: database)
        _ = try index.records(root: folder.path, relativePaths: paths)

        try FileManager.default.removeItem(atPath: "\(folder.path)/dir5")
        try writeAgedFiles(["dir6/sub0/file6": "edited"], in: folder)
        let after = try index.records(root: folder.path, relativePaths: paths)

        let removed = paths.filter { $0.hasPrefix("dir5/") }
        #expect(after.missing == removed)
        #expect(after.records.count == paths.count - removed.count)
        #expect(after.records.first { $0.path == "dir6/sub0/file6" }?.digest == SHA256.hash("edited"))
        #expect(index.statistics.filesRead == paths.count + 1)
        #expect(try sqlite(database, "SELECT count(*) FROM files") == "\(paths.count - removed.count)")
    }

    @Test func nonUTF8NameInLargeBatch() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var paths = try writeTree(in: folder)
        let rawName: [UInt8] = Array("dir2/caf".utf8) + [0xE9, 0xFF]
        let created = (folder.path.utf8 + [UInt8(ascii: "/")] + rawName + [0]).withUnsafeBufferPointer { buffer in
            creat(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), 0o644)
        }
        #expect(created >= 0)
        close(created)
        let name = PathEncoding.string(from: rawName)
        paths.append(name)
        let index = try HashIndex(path: "\(folder.path)/index.db")

        let (records, missing) = try index.records(root: folder.path, relativePaths: paths)

        #expect(missing.isEmpty)
        #expect(records.first { $0.path == name }?.digest == SHA256.hash(""))
    }

    @Test func readsInSeveralBlocksStoreEveryFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var files: [String: String] = [:]
        let count = 2 * RecordsBatch.readBlockCount + 5
        for number in 0..<count {
            files["dir\(number % 50)/file\(number)"] = "content \(number)"
        }
        let paths = try writeAgedFiles(files, in: folder)
        let database = "\(folder.path)/index.db"
        let index = try HashIndex(path: database)

        // Prefixes that leave out the index at the root.
        let first = try index.hashTree(root: folder.path, prefixes: (0..<50).map { "dir\($0)" })
        let second = try index.records(root: folder.path, relativePaths: paths)

        #expect(first.records.count == count)
        #expect(index.statistics.filesRead == count)
        #expect(second.records == first.records)
        #expect(try sqlite(database, "SELECT count(*) FROM files") == "\(count)")
        #expect(first.records.first { $0.path == "dir7/file4107" }?.digest == SHA256.hash("content 4107"))
    }
}
