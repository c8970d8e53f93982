import Foundation
import Testing
import TestSupport
@testable import Hashing

@Suite struct HashIndexTests {
    @Test func recordsMatchFileContents() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeAgedFiles(["a.txt": "alpha", "src/b.c": "int b;", "src/deep/c": ""], in: folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(folder.path)/src/b.c")
        let index = try HashIndex(path: "\(folder.path)/index.db")

        let (records, missing) = try index.records(root: folder.path, relativePaths: paths.reversed())

        #expect(missing.isEmpty)
        #expect(records.map(\.path) == ["a.txt", "src/b.c", "src/deep/c"])
        #expect(records[0].digest == SHA256.hash("alpha"))
        #expect(records[0].size == 5)
        #expect(!records[0].isExecutable)
        #expect(records[1].isExecutable)
        #expect(records[1].mode == 0o755)
        #expect(records[2].digest == SHA256.hash(""))
        #expect(index.warnings.isEmpty)
    }

    @Test func unchangedFilesAreNotReadAgain() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeAgedFiles(["one": "1", "two": "22", "three": "333"], in: folder)
        let index = try HashIndex(path: "\(folder.path)/index.db")

        let first = try index.records(root: folder.path, relativePaths: paths)
        #expect(index.statistics.filesRead == 3)
        let second = try index.records(root: folder.path, relativePaths: paths)

        #expect(second.records == first.records)
        #expect(index.statistics.filesRead == 3)
        #expect(index.statistics.bytesRead == 6)
        #expect(index.statistics.filesStatted == 6)
    }

    @Test func unchangedFilesAreNotReadAfterReopening() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeAgedFiles(["x": "x", "y": "y"], in: folder)
        _ = try HashIndex(path: "\(folder.path)/index.db").records(root: folder.path, relativePaths: paths)

        let reopened = try HashIndex(path: "\(folder.path)/index.db")
        _ = try reopened.records(root: folder.path, relativePaths: paths)

        #expect(reopened.statistics.filesRead == 0)
    }

    @Test func racilyCleanFileIsReadAgain() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write("fresh.txt", "just written")
        let index = try HashIndex(path: "\(folder.path)/index.db")

        _ = try index.records(root: folder.path, relativePaths: ["fresh.txt"])
        _ = try index.records(root: folder.path, relativePaths: ["fresh.txt"])
        // Modified within the racy window of its check: a same-size rewrite in the same
        // timestamp tick would not show in stat, so the index must not trust the entry.
        #expect(index.statistics.filesRead == 2)

        try age("\(folder.path)/fresh.txt")
        _ = try index.records(root: folder.path, relativePaths: ["fresh.txt"])
        _ = try index.records(root: folder.path, relativePaths: ["fresh.txt"])
        #expect(index.statistics.filesRead == 3)
    }

    @Test func sameSizeEditWithRestoredMtimeIsSeen() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try writeAgedFiles(["file": "before"], in: folder)
        let path = "\(folder.path)/file"
        let index = try HashIndex(path: "\(folder.path)/index.db")
        _ = try index.records(root: folder.path, relativePaths: ["file"])

        let time = modificationTime(of: path)
        try "after!".write(toFile: path, atomically: false, encoding: .utf8)
        setModificationTime(of: path, to: time)
        let (records, _) = try index.records(root: folder.path, relativePaths: ["file"])

        #expect(records.first?.digest == SHA256.hash("after!"))
    }

    @Test func fileReplacedByRenameIsSeen() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try writeAgedFiles(["file": "old content"], in: folder)
        let path = "\(folder.path)/file"
        let index = try HashIndex(path: "\(folder.path)/index.db")
        _ = try index.records(root: folder.path, relativePaths: ["file"])

        // Same size and mtime, different inode: an editor's atomic save.
        let replacement = try folder.write("file.tmp", "new content")
        setModificationTime(of: replacement, to: modificationTime(of: path))
        #expect(rename(replacement, path) == 0)
        let (records, _) = try index.records(root: folder.path, relativePaths: ["file"])

        #expect(records.first?.digest == SHA256.hash("new content"))
        #expect(index.statistics.filesRead == 2)
    }

    @Test func deletedFileIsMissingThenRecreated() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeAgedFiles(["keep": "k", "gone": "g"], in: folder)
        let database = "\(folder.path)/index.db"
        let index = try HashIndex(path: database)
        _ = try index.records(root: folder.path, relativePaths: paths)

        try FileManager.default.removeItem(atPath: "\(folder.path)/gone")
        let afterDeletion = try index.records(root: folder.path, relativePaths: paths)
        #expect(afterDeletion.missing == ["gone"])
        #expect(afterDeletion.records.map(\.path) == ["keep"])
        #expect(try sqlite(database, "SELECT count(*) FROM files") == "1")

        try writeAgedFiles(["gone": "back again"], in: folder)
        let afterRecreation = try index.records(root: folder.path, relativePaths: paths)
        #expect(afterRecreation.missing.isEmpty)
        #expect(afterRecreation.records.first { $0.path == "gone" }?.digest == SHA256.hash("back again"))
    }

    @Test func manyFilesHashedInParallelMatchFileHasher() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var files: [String: String] = [:]
        for number in 0..<300 {
            files["dir\(number % 7)/file\(number)"] = String(repeating: "\(number)-", count: number * 13)
        }
        let paths = try writeAgedFiles(files, in: folder)
        let index = try HashIndex(path: "\(folder.path)/index.db")

        let (records, _) = try index.records(root: folder.path, relativePaths: paths)

        var hasher = FileHasher()
        #expect(records.count == 300)
        for record in records {
            #expect(record.digest == (try hasher.digest(ofFileAt: "\(folder.path)/\(record.path)")), "\(record.path)")
        }
        _ = try index.records(root: folder.path, relativePaths: paths)
        #expect(index.statistics.filesRead == 300)
    }

    @Test func unreadableFileErrorNamesPath() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try writeAgedFiles(["fine": "ok"], in: folder)
        try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/mem", withDestinationPath: "/proc/self/mem")
        let index = try HashIndex(path: "\(folder.path)/index.db")

        let error = #expect(throws: HashingError.self) {
            try index.records(root: folder.path, relativePaths: ["fine", "mem"])
        }
        #expect(error?.message.contains("'mem'") == true)
        #expect(error?.message.contains("Input/output error") == true)
        // The file that could be read was stored all the same.
        #expect(try sqlite("\(folder.path)/index.db", "SELECT count(*) FROM files") == "1")
    }

    @Test func fifoIsRejectedWithoutOpening() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        #expect(mkfifo("\(folder.path)/pipe", 0o644) == 0)
        let index = try HashIndex(path: "\(folder.path)/index.db")

        let error = #expect(throws: HashingError.self) {
            try index.records(root: folder.path, relativePaths: ["pipe"])
        }
        #expect(error?.message == "input 'pipe' is a FIFO, not a file")
    }

    @Test func fileChangingDuringReadIsReported() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = "\(folder.path)/growing"
        try Data(count: 4 << 20).write(to: URL(fileURLWithPath: path))
        let writer = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let stop = Flag(false)
        let thread = Thread {
            while !stop.load() {
                _ = try? writer.seekToEnd()
                try? writer.write(contentsOf: Data([1]))
            }
        }
        thread.start()
        defer { stop.store(true) }

        var hasher = FileHasher(bufferSize: 1 << 16, backend: .portable)
        let error = #expect(throws: HashingError.self) { try hasher.digest(ofFileAt: path) }
        #expect(error?.message.contains("changed while it was read") == true)
    }
}

/// A Boolean shared between a test and its helper thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Bool

    init(_ value: Bool) {
        self.value = value
    }

    func load() -> Bool {
        lock.withLock { value }
    }

    func store(_ newValue: Bool) {
        lock.withLock { value = newValue }
    }
}
