import Foundation
import Testing
import TestSupport
@testable import Hashing

/// Cases from a review of the stored folder listings and the unchanged-tree result: damaged
/// listings, names and orders the listings must keep, and folders or files replaced in place.
@Suite struct HashingReviewTests {
    static let files = [
        "a/b/c.txt": "deep",
        "a/d.txt": "middle",
        "e.txt": "top",
        "f/g/h.txt": "other branch",
    ]

    /// Writes `files` under `folder`, ages every file and folder an hour and returns the index path.
    private func settledTree(_ files: [String: String] = Self.files, in folder: TemporaryDirectory) throws -> String {
        try writeSettledTree(files, in: folder)
    }

    /// Returns the stored listing of the root in hex.
    private func rootListing(_ database: String) throws -> String {
        try sqlite(database, "SELECT hex(listing) FROM folders WHERE length(path) = 0")
    }

    private func setRootListing(_ database: String, hex: String) throws {
        _ = try sqlite(database, "UPDATE folders SET listing = X'\(hex)' WHERE length(path) = 0")
    }

    // MARK: - Damaged listings

    /// The root listing is "a/", "e.txt" with its entry, "f/", then its 8-byte checksum. Cut
    /// after the entry of "e.txt" it is still well formed, and only the checksum keeps the
    /// folder "f" from dropping out of the tree.
    @Test func truncatedListingKeepsEveryFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        let listing = try rootListing(database)
        try #require(listing.count == (89 + 8) * 2)
        let entries = listing.dropLast(16)
        try #require(entries.hasSuffix("662F00"))
        try setRootListing(database, hex: String(entries.dropLast(6) + listing.suffix(16)))
        let tree = try HashIndex(path: database).hashTree(root: folder.path)

        #expect(tree.records.map(\.path) == Self.files.keys.sorted())
    }

    /// The digest of "e.txt" in the root listing damaged, while its row in `files` is intact:
    /// the unchanged-tree result reports the listing's digest.
    @Test func damagedListingDigestIsNotReported() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        // "a/\0" (3 bytes), "e.txt\0" (6), the flag (1), then 44 bytes before the digest.
        var listing = Array(try rootListing(database))
        try #require(listing.count == (89 + 8) * 2)
        let digestStart = (3 + 6 + 1 + 44) * 2
        listing.replaceSubrange(digestStart..<digestStart + 64, with: Array(String(repeating: "11", count: 32)))
        try setRootListing(database, hex: String(listing))
        let index = try HashIndex(path: database)
        let tree = try index.hashTree(root: folder.path)

        #expect(tree.records.first { $0.path == "e.txt" }?.digest == SHA256.hash("top"))
    }

    // MARK: - Names and order

    /// Names around "/" in byte order: the records of the unchanged tree must come out in the
    /// byte order of whole paths, as those of the full way do.
    @Test func unchangedTreeKeepsPathByteOrder() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let files = ["a-b": "1", "a.txt": "2", "a/x": "3", "a0": "4", "a/-/y": "5", "a/.c/z": "6", "a/.b": "7", "b": "8"]
        let database = try settledTree(files, in: folder)
        let first = try HashIndex(path: database).hashTree(root: folder.path)

        let index = try HashIndex(path: database)
        let second = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 1)
        #expect(second.records == first.records)
        let bytes = second.records.map { PathEncoding.bytes(of: $0.path) }
        #expect(bytes == bytes.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(second.directories == first.directories)
    }

    /// Folder and file names that are not valid UTF-8 come out of the stored listings as they do
    /// from a walk.
    @Test func nonUTF8NamesFromStoredListings() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(["plain.txt": "plain"], in: folder)
        let rawFolder: [UInt8] = [UInt8(ascii: "d"), 0xFF]
        let rawFile: [UInt8] = [UInt8(ascii: "f"), 0xC3, UInt8(ascii: ".")]
        let root = Array(folder.path.utf8) + [UInt8(ascii: "/")]
        #expect(withRawPath(root + rawFolder) { mkdir($0, 0o755) } == 0)
        for path in [root + rawFile, root + rawFolder + [UInt8(ascii: "/")] + rawFile] {
            let descriptor = withRawPath(path) { open($0, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644) }
            #expect(descriptor >= 0)
            #expect(write(descriptor, "raw", 3) == 3)
            close(descriptor)
        }
        let aged = timespec(tv_sec: time(nil) - 3600, tv_nsec: 0)
        for path in [root + rawFile, root + rawFolder + [UInt8(ascii: "/")] + rawFile, root + rawFolder, root] {
            var times = [aged, aged]
            #expect(withRawPath(path) { utimensat(AT_FDCWD, $0, &times, 0) } == 0)
        }
        let first = try HashIndex(path: database).hashTree(root: folder.path)

        let index = try HashIndex(path: database)
        let second = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 1)
        #expect(first.records.count == 3)
        #expect(second.records == first.records)
        #expect(second.records.map(\.path) == (try TreeWalker(root: folder.path).files()))
        #expect(second.directories == first.directories)
    }

    /// A tree without files is rebuilt from the stored root listing, with the same digests.
    @Test func emptyTreeFromStoredListings() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree([:], in: folder)
        let first = try HashIndex(path: database).hashTree(root: folder.path)

        let index = try HashIndex(path: database)
        let second = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 1)
        #expect(first.records.isEmpty)
        #expect(second.records.isEmpty)
        #expect(second.directories == first.directories)
    }

    // MARK: - Replaced entries

    /// A file replaced by a folder of the same name and back, with the parent's modification
    /// time put back each time, so that only the parent's change time differs.
    @Test func fileReplacedByFolderAndBack() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        let first = try HashIndex(path: database).hashTree(root: folder.path)
        let rootTime = modificationTime(of: folder.path)

        try FileManager.default.removeItem(atPath: "\(folder.path)/e.txt")
        try writeAgedFiles(["e.txt/inner.txt": "inside"], in: folder)
        try age("\(folder.path)/e.txt")
        setModificationTime(of: folder.path, to: rootTime)
        let asFolder = try HashIndex(path: database).hashTree(root: folder.path)
        #expect(asFolder.records.map(\.path) == ["a/b/c.txt", "a/d.txt", "e.txt/inner.txt", "f/g/h.txt"])

        try FileManager.default.removeItem(atPath: "\(folder.path)/e.txt")
        try writeAgedFiles(["e.txt": "top"], in: folder)
        setModificationTime(of: folder.path, to: rootTime)
        let asFile = try HashIndex(path: database).hashTree(root: folder.path)
        #expect(asFile.records == first.records)
        #expect(asFile.directories == first.directories)
    }

    /// A file replaced by a symbolic link to a file of the same content, parent time put back.
    @Test func fileReplacedBySymbolicLink() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)
        let rootTime = modificationTime(of: folder.path)

        try FileManager.default.removeItem(atPath: "\(folder.path)/e.txt")
        try writeAgedFiles(["elsewhere/e.txt": "top"], in: folder)
        try FileManager.default.createSymbolicLink(atPath: "\(folder.path)/e.txt", withDestinationPath: "elsewhere/e.txt")
        setModificationTime(of: folder.path, to: rootTime)
        let tree = try HashIndex(path: database).hashTree(root: folder.path)

        #expect(tree.records.first { $0.path == "e.txt" }?.linkTarget == "elsewhere/e.txt")
    }

    /// Two folders that swap names, with the root's modification time put back.
    @Test func swappedFoldersAreRead() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)
        let rootTime = modificationTime(of: folder.path)

        try FileManager.default.moveItem(atPath: "\(folder.path)/a", toPath: "\(folder.path)/swap")
        try FileManager.default.moveItem(atPath: "\(folder.path)/f", toPath: "\(folder.path)/a")
        try FileManager.default.moveItem(atPath: "\(folder.path)/swap", toPath: "\(folder.path)/f")
        setModificationTime(of: folder.path, to: rootTime)
        let tree = try HashIndex(path: database).hashTree(root: folder.path)

        #expect(tree.records.map(\.path) == ["a/g/h.txt", "e.txt", "f/b/c.txt", "f/d.txt"])
    }

    // MARK: - Prefixes and writers between tree hashes

    /// Prefix hashes (a single file, overlapping folders) between whole-root hashes leave the
    /// next whole-root results equal to the first.
    @Test func prefixHashesLeaveWholeTreeEqual() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        let first = try HashIndex(path: database).hashTree(root: folder.path)

        let index = try HashIndex(path: database)
        let single = try index.hashTree(root: folder.path, prefixes: ["e.txt"])
        #expect(single.records.map(\.path) == ["e.txt"])
        let overlapping = try index.hashTree(root: folder.path, prefixes: ["a/b", "a", "a/"])
        #expect(overlapping.records.map(\.path) == ["a/b/c.txt", "a/d.txt"])
        let whole = try index.hashTree(root: folder.path)
        let again = try index.hashTree(root: folder.path, prefixes: ["", "a"])

        #expect(whole.records == first.records)
        #expect(whole.directories == first.directories)
        #expect(again.records == first.records)
        #expect(again.directories == first.directories)
    }

    /// Two indexes on one database, as two processes have: each reads the other's writes and
    /// the edits in between.
    @Test func twoIndexesSeeEachEdit() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        let firstIndex = try HashIndex(path: database)
        let secondIndex = try HashIndex(path: database)
        _ = try firstIndex.hashTree(root: folder.path)

        try age(try folder.write("e.txt", "TOP"))
        #expect(try secondIndex.hashTree(root: folder.path).records.first { $0.path == "e.txt" }?.digest == SHA256.hash("TOP"))
        try age(try folder.write("a/d.txt", "MIDDLE"))
        _ = try secondIndex.records(root: folder.path, relativePaths: ["a/d.txt"])
        let tree = try firstIndex.hashTree(root: folder.path)

        #expect(tree.records.first { $0.path == "e.txt" }?.digest == SHA256.hash("TOP"))
        #expect(tree.records.first { $0.path == "a/d.txt" }?.digest == SHA256.hash("MIDDLE"))
        let fresh = "\(folder.path)/.dagrun/fresh.db"
        #expect(try HashIndex(path: fresh).hashTree(root: folder.path).directories == tree.directories)
    }

    /// A file rewritten with the same size and its old modification time put back, so that only
    /// its change time differs: the unchanged-tree check must not return a tree.
    @Test func sameSizeEditWithOldTime() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)
        let fileTime = modificationTime(of: "\(folder.path)/a/b/c.txt")

        try folder.write("a/b/c.txt", "DEEP")
        setModificationTime(of: "\(folder.path)/a/b/c.txt", to: fileTime)
        let index = try HashIndex(path: database)
        let tree = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 0)
        #expect(tree.records.first { $0.path == "a/b/c.txt" }?.digest == SHA256.hash("DEEP"))
    }

    /// A tree hash that observed "e.txt" before an edit, and stores its folder digests after
    /// another process wrote the edited file's row, marks its digests current for rows it
    /// never saw. The next tree hash keeps every row and returns those stale digests.
    @Test func racingWriterLeavesNoStaleDigests() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)
        try age(try folder.write("new.txt", "to read"))
        let slow = try HashIndex(path: database)

        // The other process holds the write lock, so the tree hash waits to store "new.txt".
        let other = try SQLiteConnection(path: database)
        try other.execute("BEGIN IMMEDIATE")
        let box = TreeBox()
        async let finished: Void = withCheckedContinuation { continuation in
            Thread {
                box.set(Result { try slow.hashTree(root: folder.path) })
                continuation.resume()
            }.start()
        }
        try await Task.sleep(for: .milliseconds(800))

        // The edit, and the row that `records(root:relativePaths:)` in the other process writes.
        try age(try folder.write("e.txt", "TOP"))
        let scratch = "\(folder.path)/.dagrun/scratch.db"
        _ = try HashIndex(path: scratch).records(root: folder.path, relativePaths: ["e.txt"])
        try other.execute(
            "ATTACH '\(scratch)' AS scratch; INSERT OR REPLACE INTO main.files SELECT * FROM scratch.files; DELETE FROM main.current_tree; COMMIT; DETACH scratch"
        )
        await finished
        _ = try box.get()

        let next = try HashIndex(path: database).hashTree(root: folder.path)
        let fresh = try HashIndex(path: "\(folder.path)/.dagrun/fresh.db").hashTree(root: folder.path)
        #expect(next.records == fresh.records)
        #expect(next.directories == fresh.directories)
    }

    /// A chain of folders as deep as a path allows is walked, stored and rebuilt from the
    /// stored listings without running out of stack.
    @Test func deepFolderChainHashedTwice() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let depth = (4000 - folder.path.utf8.count) / 2
        let deep = Array(repeating: "d", count: depth).joined(separator: "/") + "/x"
        let database = try settledTree([deep: "bottom"], in: folder)
        let first = try HashIndex(path: database).hashTree(root: folder.path)

        let index = try HashIndex(path: database)
        let second = try index.hashTree(root: folder.path)

        #expect(first.records.map(\.path) == [deep])
        #expect(index.statistics.unchangedTrees == 1)
        #expect(second.directories == first.directories)
    }

    /// A damaged page of the `folders` table is found only when the tree hash stores its
    /// listings. The index is then rebuilt mid-hash, and the tree and the next ones still
    /// match a fresh hash.
    @Test func indexRebuiltMidHashMatchesFresh() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)
        _ = try sqlite(database, "PRAGMA wal_checkpoint(TRUNCATE)")
        let page = try #require(Int(try sqlite(database, "SELECT rootpage FROM sqlite_master WHERE name = 'folders'")))
        let file = try #require(FileHandle(forUpdatingAtPath: database))
        try file.seek(toOffset: UInt64((page - 1) * 65536))
        try file.write(contentsOf: Data(repeating: 0xFF, count: 16))
        try file.close()

        let index = try HashIndex(path: database)
        let healed = try index.hashTree(root: folder.path)
        let fresh = try HashIndex(path: "\(folder.path)/.dagrun/fresh.db").hashTree(root: folder.path)

        #expect(index.takeWarnings().count == 1)
        #expect(healed.records == fresh.records)
        #expect(healed.directories == fresh.directories)
        let next = try HashIndex(path: database).hashTree(root: folder.path)
        #expect(next.records == fresh.records)
        #expect(next.directories == fresh.directories)
    }

    /// After a file is deleted, settled trees are rebuilt from the stored listings again: the
    /// next whole tree hash drops the deleted file's row, so the row count matches the tree
    /// and the index is marked current again.
    @Test func unchangedTreeReturnsAfterDeletion() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)
        let rootTime = modificationTime(of: folder.path)

        try FileManager.default.removeItem(atPath: "\(folder.path)/e.txt")
        setModificationTime(of: folder.path, to: rootTime)
        _ = try HashIndex(path: database).hashTree(root: folder.path)
        _ = try HashIndex(path: database).hashTree(root: folder.path)
        let index = try HashIndex(path: database)
        _ = try index.hashTree(root: folder.path)

        #expect(index.statistics.unchangedTrees == 1)
    }

    /// A prefix hash of an unchanged folder reports no changed folders, and leaves none for
    /// the next whole-root hash to report. It computes the root's digest from the prefix alone
    /// and stores it over the whole tree's.
    @Test func prefixHashReportsNoChangedFolders() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let database = try settledTree(in: folder)
        _ = try HashIndex(path: database).hashTree(root: folder.path)

        let index = try HashIndex(path: database)
        let prefix = try index.hashTree(root: folder.path, prefixes: ["a"])
        let whole = try index.hashTree(root: folder.path)

        #expect(prefix.changedDirectories == [])
        #expect(whole.changedDirectories == [])
    }

    /// Calls `body` with `bytes` as a NUL-terminated path, byte for byte.
    private func withRawPath<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            body(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }
}

/// The result of a tree hash run on a thread of its own.
private final class TreeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<HashIndex.Tree, any Error>?

    func set(_ result: Result<HashIndex.Tree, any Error>) {
        lock.withLock { self.result = result }
    }

    func get() throws -> HashIndex.Tree? {
        try lock.withLock { try result?.get() }
    }
}
