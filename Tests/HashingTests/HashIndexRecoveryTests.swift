import Foundation
import Testing
import TestSupport
@testable import Hashing

@Suite struct HashIndexRecoveryTests {
    @Test func killedMidTransactionKeepsCommittedState() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeAgedFiles(["a": "1", "b": "2", "c": "3"], in: folder)
        let database = "\(folder.path)/index.db"
        _ = try HashIndex(path: database).records(root: folder.path, relativePaths: paths)

        // A second writer inserts many rows in an open transaction, then dies by SIGKILL.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        writer.arguments = ["sqlite3", database]
        let input = Pipe()
        let output = Pipe()
        writer.standardInput = input
        writer.standardOutput = output
        try writer.run()
        let script = """
            BEGIN IMMEDIATE;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
            INSERT INTO files SELECT CAST('junk' || i AS BLOB), i, i, i, i, 33188, randomblob(32), NULL, i FROM n;
            .print inserted

            """
        input.fileHandleForWriting.write(Data(script.utf8))
        let marker = output.fileHandleForReading.availableData
        #expect(String(decoding: marker, as: UTF8.self).contains("inserted"))
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal)

        let reopened = try HashIndex(path: database)
        let (records, _) = try reopened.records(root: folder.path, relativePaths: paths)
        #expect(reopened.warnings.isEmpty)
        #expect(records.map(\.digest) == ["1", "2", "3"].map { SHA256.hash($0) })
        #expect(reopened.statistics.filesRead == 0)
        #expect(try sqlite(database, "SELECT count(*) FROM files") == "3")
    }

    @Test func corruptIndexIsReplacedWithWarning() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeAgedFiles(["a": "1"], in: folder)
        let database = try folder.write("index.db", String(repeating: "this is not a database ", count: 400))

        let index = try HashIndex(path: database)
        let (records, _) = try index.records(root: folder.path, relativePaths: paths)

        #expect(index.warnings.count == 1)
        #expect(index.warnings.first?.contains("is damaged") == true)
        #expect(index.warnings.first?.contains("index.db.corrupt") == true)
        #expect(folder.exists("index.db.corrupt"))
        #expect(records.first?.digest == SHA256.hash("1"))
    }

    @Test func otherFormatVersionStartsFresh() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeAgedFiles(["a": "1"], in: folder)
        let database = "\(folder.path)/index.db"
        _ = try HashIndex(path: database).records(root: folder.path, relativePaths: paths)
        _ = try sqlite(database, "PRAGMA user_version = 7")

        let index = try HashIndex(path: database)
        _ = try index.records(root: folder.path, relativePaths: paths)

        #expect(index.warnings.first?.contains("format version 7") == true)
        #expect(index.statistics.filesRead == 1)
        #expect(try sqlite(database, "PRAGMA user_version") == String(HashIndex.formatVersion))
    }

    /// Cuts a populated index at many lengths: each must open, hash correctly, and warn at most once.
    @Test func truncatedIndexHeals() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var files: [String: String] = [:]
        for number in 0..<600 {
            files["folder\(number % 20)/file\(number)"] = "content \(number)"
        }
        let paths = try writeAgedFiles(files, in: folder)
        let database = "\(folder.path)/index.db"
        _ = try HashIndex(path: database).records(root: folder.path, relativePaths: paths)
        let whole = try Data(contentsOf: URL(fileURLWithPath: database))
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"))

        let copy = "\(folder.path)/cut.db"
        for length in Array(stride(from: 0, to: whole.count, by: 997)) + [1, 99, 100, 101, whole.count - 1] {
            try? FileManager.default.removeItem(atPath: copy + ".corrupt")
            try whole.prefix(length).write(to: URL(fileURLWithPath: copy))
            let index = try HashIndex(path: copy)
            let (records, _) = try index.records(root: folder.path, relativePaths: paths)
            #expect(records.count == 600, "cut at \(length) bytes")
            #expect(records.first { $0.path == "folder3/file3" }?.digest == SHA256.hash("content 3"), "cut at \(length) bytes")
            #expect(index.warnings.count <= 1, "cut at \(length) bytes")
        }
    }

    @Test func hashTreeHealsCorruptDirectoryNodes() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try writeAgedFiles(["a/one": "1", "b/two": "2"], in: folder)
        let database = "\(folder.path)/index.db"
        _ = try HashIndex(path: database).hashTree(root: folder.path, prefixes: ["a", "b"])
        let pageSize = try #require(Int(try sqlite(database, "PRAGMA page_size")))
        let rootPage = try #require(Int(try sqlite(database, "SELECT rootpage FROM sqlite_master WHERE name = 'directories'")))
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: database))
        try file.seek(toOffset: UInt64((rootPage - 1) * pageSize))
        try file.write(contentsOf: Data(repeating: 0xA5, count: pageSize))
        try file.close()

        let index = try HashIndex(path: database)
        let tree = try index.hashTree(root: folder.path, prefixes: ["a", "b"])

        #expect(index.warnings.count == 1)
        #expect(index.warnings.first?.contains("is damaged") == true)
        #expect(tree.records.map(\.path) == ["a/one", "b/two"])
        // The root's node is outside the prefixes, so it is neither stored nor reported.
        #expect(tree.changedDirectories == ["a", "b"])
        #expect(try sqlite(database, "SELECT count(*) FROM directories") == "2")
    }
}
