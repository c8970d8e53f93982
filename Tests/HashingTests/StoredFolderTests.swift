import Foundation
import Testing
import TestSupport
@testable import Hashing

/// Tree hashes that reuse the folder listings the index stored, and the no-change result built
/// from those listings alone.
@Suite struct StoredFolderTests {
    /// Files of the sample tree; with the root, `empty` and `f/g` it has six folders.
    static let files = [
        "a/b/c.txt": "deep",
        "a/d.txt": "middle",
        "e.txt": "top",
        "f/g/h.txt": "other branch",
    ]
    static let folderCount = 6

    /// Writes the sample tree and an empty folder, ages them an hour and returns the index path.
    private func settledTree(in folder: TemporaryDirectory) throws -> String {
        try writeSettledTree(Self.files, emptyFolders: ["empty"], in: folder)
    }

    @Test func unchangedTreeIsAnsweredFromStoredListings() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        let first = try HashIndex(path: database)
        let before = try first.hashTree(root: folder.path)
        #expect(first.statistics.foldersRead == Self.folderCount)
        #expect(first.statistics.unchangedTrees == 0)

        let second = try HashIndex(path: database)
        let after = try second.hashTree(root: folder.path)

        #expect(second.statistics.unchangedTrees == 1)
        #expect(second.statistics.foldersReused == Self.folderCount)
        #expect(second.statistics.foldersRead == 0)
        #expect(second.statistics.filesRead == 0)
        #expect(after.records == before.records)
        #expect(after.directories == before.directories)
        #expect(after.changedDirectories.isEmpty)
        #expect(after.records.map(\.path) == Self.files.keys.sorted())
    }

    @Test func fileAddedToSettledFolderIsFound() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        try folder.write("a/new.txt", "added")
        let index = try HashIndex(path: database)
        let tree = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 0)
        #expect(index.statistics.foldersRead == 1)
        #expect(index.statistics.foldersReused == Self.folderCount - 1)
        #expect(tree.records.first { $0.path == "a/new.txt" }?.digest == SHA256.hash("added"))
        #expect(tree.changedDirectories == ["", "a"])
    }

    @Test func contentEditInSettledFolderIsFound() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        // Same size; the folder's times stay as they were.
        try folder.write("a/d.txt", "MIDDLE")
        let index = try HashIndex(path: database)
        let tree = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 0)
        #expect(index.statistics.foldersRead == 0)
        #expect(index.statistics.filesRead == 1)
        #expect(tree.records.first { $0.path == "a/d.txt" }?.digest == SHA256.hash("MIDDLE"))
    }

    @Test func deletedFileAndFolderAreGone() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        try FileManager.default.removeItem(atPath: "\(folder.path)/a/b/c.txt")
        try FileManager.default.removeItem(atPath: "\(folder.path)/f/g")
        let tree = try HashIndex(path: database).hashTree(root: folder.path)

        #expect(tree.records.map(\.path) == ["a/d.txt", "e.txt"])
        #expect(try sqlite(database, "SELECT count(*) FROM folders WHERE path = CAST('f/g' AS BLOB)") == "0")
        #expect(try sqlite(database, "SELECT count(*) FROM folders") == String(Self.folderCount - 1))
    }

    @Test func folderReplacedWithTheSameTimesIsRead() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)
        let parentTime = modificationTime(of: "\(folder.path)/f")
        let folderTime = modificationTime(of: "\(folder.path)/f/g")

        // Only the inode and the change time tell the new folder from the old one.
        try FileManager.default.removeItem(atPath: "\(folder.path)/f/g")
        try writeAgedFiles(["f/g/other.txt": "replacement"], in: folder)
        setModificationTime(of: "\(folder.path)/f/g", to: folderTime)
        setModificationTime(of: "\(folder.path)/f", to: parentTime)
        let tree = try HashIndex(path: database).hashTree(root: folder.path)

        #expect(tree.records.map(\.path).filter { $0.hasPrefix("f/") } == ["f/g/other.txt"])
    }

    @Test func fileInSettledEmptyFolderIsFound() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        // The root's times do not change when a file appears in its subfolder.
        try folder.write("empty/x.txt", "no longer empty")
        let index = try HashIndex(path: database)
        let tree = try index.hashTree(root: folder.path)

        #expect(index.statistics.foldersRead == 1)
        #expect(tree.records.first { $0.path == "empty/x.txt" }?.digest == SHA256.hash("no longer empty"))
    }

    @Test func recentlyModifiedFoldersAreReadAgain() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try writeAgedFiles(Self.files, in: folder)
        try FileManager.default.createDirectory(atPath: "\(folder.path)/.dagrun", withIntermediateDirectories: true)
        let database = "\(folder.path)/.dagrun/index.db"
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        // Folders written just now are racy: a change later in the same tick could go unseen.
        let index = try HashIndex(path: database)
        let tree = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 0)
        #expect(index.statistics.foldersReused == 0)
        #expect(index.statistics.foldersRead == Self.folderCount - 1)
        #expect(tree.records.map(\.path) == Self.files.keys.sorted())
    }

    @Test func symbolicLinkTakesTheFullWay() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/a/link", withDestinationPath: "d.txt")
        try age("\(folder.path)/a")
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        let index = try HashIndex(path: database)
        let tree = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 0)
        #expect(index.statistics.foldersRead == 0)
        #expect(index.statistics.filesRead == 0)
        #expect(tree.records.first { $0.path == "a/link" }?.digest == SHA256.hash("middle"))
    }

    @Test func prefixHashReusesStoredListings() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        let index = try HashIndex(path: database)
        let tree = try index.hashTree(root: folder.path, prefixes: ["a"])

        #expect(index.statistics.unchangedTrees == 0)
        #expect(index.statistics.foldersReused == 2)
        #expect(index.statistics.foldersRead == 0)
        #expect(tree.records.map(\.path) == ["a/b/c.txt", "a/d.txt"])
    }

    @Test func recordsCallAfterTreeHashIsSeen() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        try folder.write("e.txt", "edited")
        let index = try HashIndex(path: database)
        _ = try index.records(root: folder.path, relativePaths: ["e.txt"])
        let tree = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 0)
        #expect(tree.records.first { $0.path == "e.txt" }?.digest == SHA256.hash("edited"))
    }
}
