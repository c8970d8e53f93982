import Foundation
import Testing
import TestSupport
@testable import Hashing

@Suite struct TreeTests {
    @Test func walkerSkipsStateFoldersAtRootOnly() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for path in ["a.txt", "src/b.txt", "src/artifacts/c.txt", ".git/HEAD", ".dagrun/index.db", "artifacts/x", ".hidden"] {
            try folder.write(path, path)
        }
        try FileManager.default.createDirectory(atPath: "\(folder.path)/empty", withIntermediateDirectories: true)

        let files = try TreeWalker(root: folder.path).files()

        #expect(files == [".hidden", "a.txt", "src/artifacts/c.txt", "src/b.txt"])
    }

    @Test func walkerListsUnderPrefixes() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        for path in ["a.txt", "src/b.txt", "src/sub/c.txt", "docs/d.md"] {
            try folder.write(path, path)
        }
        let walker = TreeWalker(root: folder.path)

        #expect(try walker.files(under: ["src/"]) == ["src/b.txt", "src/sub/c.txt"])
        #expect(try walker.files(under: ["src", "src/sub", "a.txt", "absent"]) == ["a.txt", "src/b.txt", "src/sub/c.txt"])
    }

    @Test func symbolicLinks() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try writeAgedFiles(["target.txt": "through the link"], in: folder)
        try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/link", withDestinationPath: "target.txt")
        try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/dangling", withDestinationPath: "nowhere/file")
        try FileManager.default.createDirectory(atPath: "\(folder.path)/.dagrun", withIntermediateDirectories: true)
        let index = try HashIndex(path: "\(folder.path)/.dagrun/index.db")
        let paths = try TreeWalker(root: folder.path).files()
        #expect(paths == ["dangling", "link", "target.txt"])

        let (records, _) = try index.records(root: folder.path, relativePaths: paths)
        #expect(records[0].linkTarget == "nowhere/file")
        #expect(records[0].digest == SHA256.hash("nowhere/file"))
        #expect(records[1].linkTarget == "target.txt")
        #expect(records[1].digest == SHA256.hash("through the link"))
        #expect(records[2].linkTarget == nil)

        // An edit through the link and the creation of the dangling link's target both show.
        let time = modificationTime(of: "\(folder.path)/target.txt")
        try "THROUGH THE LINK".write(toFile: "\(folder.path)/link", atomically: false, encoding: .utf8)
        setModificationTime(of: "\(folder.path)/target.txt", to: time)
        try writeAgedFiles(["nowhere/file": "now here"], in: folder)
        let (after, _) = try index.records(root: folder.path, relativePaths: ["dangling", "link"])
        #expect(after[0].digest == SHA256.hash("now here"))
        #expect(after[1].digest == SHA256.hash("THROUGH THE LINK"))
    }

    @Test func nonUTF8NamesRoundTrip() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let rawName: [UInt8] = [UInt8(ascii: "f"), 0xFF, 0xC3, UInt8(ascii: "."), 0xF4, 0x8F, 0xBE, 0x80]
        var rawPath = Array(folder.path.utf8) + [UInt8(ascii: "/")] + rawName + [0]
        let descriptor = rawPath.withUnsafeMutableBufferPointer { buffer in
            open(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644)
        }
        #expect(descriptor >= 0)
        #expect(write(descriptor, "raw", 3) == 3)
        close(descriptor)

        let paths = try TreeWalker(root: folder.path).files()
        #expect(paths.count == 1)
        #expect(PathEncoding.bytes(of: paths[0]) == rawName)
        #expect(PathEncoding.string(from: rawName) == paths[0])

        let database = "\(folder.path)/index.db"
        let (records, _) = try HashIndex(path: database).records(root: folder.path, relativePaths: paths)
        #expect(records.first?.digest == SHA256.hash("raw"))
        #expect(try sqlite(database, "SELECT hex(path) FROM files") == "66FFC32EF48FBE80")
    }

    @Test func directoryDigestsFollowChanges() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let paths = try writeAgedFiles(["top.txt": "t", "src/a.c": "a", "src/lib/b.c": "b", "docs/d.md": "d"], in: folder)
        let index = try HashIndex(path: "\(folder.path)/index.db")
        let before = index.directoryDigests(for: try index.records(root: folder.path, relativePaths: paths).records)
        #expect(Set(before.keys) == ["", "src", "src/lib", "docs"])
        #expect(index.directoryDigests(for: try index.records(root: folder.path, relativePaths: paths).records) == before)

        try writeAgedFiles(["src/lib/b.c": "B"], in: folder)
        let after = index.directoryDigests(for: try index.records(root: folder.path, relativePaths: paths).records)

        #expect(after["src/lib"] != before["src/lib"])
        #expect(after["src"] != before["src"])
        #expect(after[""] != before[""])
        #expect(after["docs"] == before["docs"])
    }

    @Test func directoryDigestSeesExecutableBitAndRename() throws {
        let record = FileRecord(path: "dir/a", digest: SHA256.hash("a"), size: 1, mode: 0o644)
        var executable = record
        executable.mode = 0o755
        var renamed = record
        renamed.path = "dir/b"

        let plain = DirectoryDigests.compute(for: [record])
        #expect(DirectoryDigests.compute(for: [executable])["dir"] != plain["dir"])
        #expect(DirectoryDigests.compute(for: [renamed])["dir"] != plain["dir"])
        #expect(DirectoryDigests.compute(for: [record]) == plain)
    }
}

extension TreeTests {
    /// Encodes one folder entry as `DirectoryDigests` documents it.
    private func entry(_ kind: Character, _ name: String, _ digest: Digest, target: String? = nil) -> [UInt8] {
        func lengthPrefixed(_ text: String) -> [UInt8] {
            let count = UInt32(text.utf8.count)
            return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: count >> $0) } + Array(text.utf8)
        }
        return [kind.asciiValue!] + lengthPrefixed(name) + digest.bytes + (target.map(lengthPrefixed) ?? [])
    }

    @Test func directoryDigestEncodingIsPinned() {
        // "a" sorts before "a.txt" in its folder although "a.txt" comes before "a/b" as a path.
        let records = [
            FileRecord(path: "a.txt", digest: SHA256.hash("1"), size: 1, mode: 0o644),
            FileRecord(path: "a/b", digest: SHA256.hash("2"), size: 1, mode: 0o755),
            FileRecord(path: "a/c/link", digest: SHA256.hash("../b"), size: 4, mode: 0o777, linkTarget: "../b"),
            FileRecord(path: "z", digest: SHA256.hash("3"), size: 1, mode: 0o600),
        ]
        let folderC = SHA256.hash(entry("l", "link", SHA256.hash("../b"), target: "../b"))
        let folderA = SHA256.hash(entry("x", "b", SHA256.hash("2")) + entry("d", "c", folderC))
        let root = SHA256.hash(entry("d", "a", folderA) + entry("f", "a.txt", SHA256.hash("1")) + entry("f", "z", SHA256.hash("3")))

        let digests = DirectoryDigests.compute(for: records.shuffled())

        #expect(digests == ["": root, "a": folderA, "a/c": folderC])
    }
}

@Suite struct TreeHashTests {
    @Test func hashTreeStoresDirectoryNodesAndReportsChanges() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try writeAgedFiles(["top.txt": "t", "src/a.c": "a", "src/lib/b.c": "b", "docs/d.md": "d"], in: folder)
        try FileManager.default.createDirectory(atPath: "\(folder.path)/.dagrun", withIntermediateDirectories: true)
        let database = "\(folder.path)/.dagrun/index.db"
        let index = try HashIndex(path: database)

        let first = try index.hashTree(root: folder.path)
        #expect(first.changedDirectories == ["", "docs", "src", "src/lib"])
        #expect(first.records.map(\.path) == ["docs/d.md", "src/a.c", "src/lib/b.c", "top.txt"])
        #expect(try sqlite(database, "SELECT count(*) FROM directories") == "4")

        let unchanged = try index.hashTree(root: folder.path)
        #expect(unchanged.changedDirectories.isEmpty)
        #expect(unchanged.directories == first.directories)
        #expect(index.statistics.filesRead == 4)

        try writeAgedFiles(["src/lib/b.c": "B"], in: folder)
        try FileManager.default.removeItem(atPath: "\(folder.path)/docs")
        let changed = try index.hashTree(root: folder.path)
        #expect(changed.changedDirectories == ["", "docs", "src", "src/lib"])
        #expect(try sqlite(database, "SELECT count(*) FROM directories") == "3")
    }

    @Test func storedDirectoryNodesServeOnlyWhileTheFilesMatch() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try writeAgedFiles(["top.txt": "t", "src/a.c": "a", "src/lib/b.c": "b"], in: folder)
        try FileManager.default.createDirectory(atPath: "\(folder.path)/.dagrun", withIntermediateDirectories: true)
        let database = "\(folder.path)/.dagrun/index.db"
        let index = try HashIndex(path: database)

        let first = try index.hashTree(root: folder.path)
        #expect(try sqlite(database, "SELECT file_count FROM current_tree") == "3")
        #expect(try index.hashTree(root: folder.path).directories == first.directories)

        // A write to the files table outside `hashTree` makes the stored nodes stale.
        try writeAgedFiles(["src/a.c": "A"], in: folder)
        _ = try index.records(root: folder.path, relativePaths: ["src/a.c"])
        #expect(try sqlite(database, "SELECT count(*) FROM current_tree") == "0")
        let edited = try index.hashTree(root: folder.path)
        #expect(edited.changedDirectories == ["", "src"])
        #expect(edited.directories == index.directoryDigests(for: edited.records))
        #expect(try sqlite(database, "SELECT file_count FROM current_tree") == "3")

        // A hash under a prefix that changes nothing stores nothing, so the mark stays. A whole
        // hash after a file was deleted drops the file's row and marks the nodes again.
        let prefixed = try index.hashTree(root: folder.path, prefixes: ["src"])
        #expect(prefixed.changedDirectories.isEmpty)
        #expect(try sqlite(database, "SELECT file_count FROM current_tree") == "3")
        try FileManager.default.removeItem(atPath: "\(folder.path)/top.txt")
        let removed = try index.hashTree(root: folder.path)
        #expect(removed.directories == index.directoryDigests(for: removed.records))
        #expect(try sqlite(database, "SELECT count(*) FROM files") == "2")
        #expect(try sqlite(database, "SELECT file_count FROM current_tree") == "2")
        #expect(try index.hashTree(root: folder.path).directories == removed.directories)
    }

    @Test func coldTreeHashMatchesStatFirstHash() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try writeAgedFiles(["a.txt": "a", "src/b.c": "b", "src/lib/c.c": "c"], in: folder)
        try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/src/link", withDestinationPath: "b.c")
        try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/dangling", withDestinationPath: "nowhere")
        try FileManager.default.createDirectory(atPath: "\(folder.path)/.dagrun", withIntermediateDirectories: true)

        // An empty index: files are read without a stat first, links are still observed.
        let cold = try HashIndex(path: "\(folder.path)/.dagrun/cold.db").hashTree(root: folder.path)
        let paths = try TreeWalker(root: folder.path).files()
        let (expected, _) = try HashIndex(path: "\(folder.path)/.dagrun/other.db").records(root: folder.path, relativePaths: paths)

        #expect(cold.records == expected)
        #expect(cold.records.first { $0.path == "src/link" }?.linkTarget == "b.c")
        #expect(cold.records.first { $0.path == "src/link" }?.digest == SHA256.hash("b"))
        #expect(cold.records.first { $0.path == "dangling" }?.digest == SHA256.hash("nowhere"))
    }
}
