import Foundation
import Testing
import TestSupport
@testable import Hashing

/// Files that fail or change while the two-lane hasher reads them, mixed with files that read
/// fine, which must keep their own digests.
@Suite struct TwoLaneHasherFailureTests {
    /// Hashes `paths` in order and calls `beforeNext` with the number of items taken so far
    /// each time a lane takes the next one, while the other lane may have a file open.
    static func hash(
        _ paths: [String],
        bufferSize: Int = 1 << 16,
        beforeNext: (Int) -> Void = { _ in }
    ) -> [Result<TwoLaneHasher.HashedFile, HashingError>?] {
        var results: [Result<TwoLaneHasher.HashedFile, HashingError>?] = Array(repeating: nil, count: paths.count)
        var takenCount = 0
        TwoLaneHasher(bufferSize: bufferSize, backend: .preferred).hashFiles(
            next: {
                beforeNext(takenCount)
                guard takenCount < paths.count else { return nil }
                defer { takenCount += 1 }
                return takenCount
            },
            path: { PathEncoding.bytes(of: paths[$0]) + [0] },
            displayPath: { paths[$0] },
            deliver: { item, result in
                #expect(results[item] == nil, "item \(item) delivered twice")
                results[item] = result
            }
        )
        return results
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Returns the error of `result`, or nil when it succeeded or is missing.
    static func error(_ result: Result<TwoLaneHasher.HashedFile, HashingError>?) -> HashingError? {
        guard case .failure(let error) = result else { return nil }
        return error
    }

    /// Writes files `good-0`, `good-1`, ... of different sizes and returns their paths and content.
    static func writeGoodFiles(count: Int, in folder: TemporaryDirectory) throws -> [(path: String, bytes: [UInt8])] {
        try (0..<count).map { index in
            let path = "\(folder.path)/good-\(index)"
            let bytes = pseudoRandomBytes(count: 1000 + index * 70_001, seed: 900 + UInt64(index))
            try write(bytes, to: path)
            return (path, bytes)
        }
    }

    static func expectHashed(_ result: Result<TwoLaneHasher.HashedFile, HashingError>?, _ bytes: [UInt8], _ path: String) {
        guard case .success(let hashed) = result else {
            Issue.record("\(path): \(String(describing: result))")
            return
        }
        #expect(hashed.digest == SHA256.hash(bytes), "\(path)")
    }

    @Test func missingFileFailsOpenWithENOENT() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let good = try Self.writeGoodFiles(count: 3, in: folder)
        let missing = "\(folder.path)/vanished.txt"

        let results = Self.hash([good[0].path, missing, good[1].path, good[2].path])

        guard case .unreadableFile(let path, let cause) = Self.error(results[1]) else {
            Issue.record("expected unreadableFile, got \(String(describing: results[1]))")
            return
        }
        #expect(path == missing)
        #expect(cause.call == "open")
        #expect(cause.code == ENOENT)
        Self.expectHashed(results[0], good[0].bytes, good[0].path)
        Self.expectHashed(results[2], good[1].bytes, good[1].path)
        Self.expectHashed(results[3], good[2].bytes, good[2].path)
    }

    @Test(.enabled(if: getuid() != 0, "root reads files without read permission"))
    func permissionDeniedNamesPath() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let good = try Self.writeGoodFiles(count: 2, in: folder)
        let secret = try folder.write("secret.txt", "hidden")
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: secret)

        let results = Self.hash([good[0].path, secret, good[1].path])

        let error = Self.error(results[1])
        #expect(error?.message.contains(secret) == true)
        #expect(error?.message.contains("Permission denied") == true)
        Self.expectHashed(results[0], good[0].bytes, good[0].path)
        Self.expectHashed(results[2], good[1].bytes, good[1].path)
    }

    /// Reading /proc/self/mem at offset 0 fails with EIO, for root too.
    @Test func readErrorNamesPath() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let good = try Self.writeGoodFiles(count: 2, in: folder)

        let results = Self.hash([good[0].path, "/proc/self/mem", good[1].path])

        let error = Self.error(results[1])
        #expect(error?.message.contains("'/proc/self/mem'") == true)
        #expect(error?.message.contains("Input/output error") == true)
        Self.expectHashed(results[0], good[0].bytes, good[0].path)
        Self.expectHashed(results[2], good[1].bytes, good[1].path)
    }

    @Test func folderAndFIFOAreNotFiles() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let good = try Self.writeGoodFiles(count: 2, in: folder)
        let fifo = "\(folder.path)/pipe"
        #expect(mkfifo(fifo, 0o644) == 0)

        let results = Self.hash([good[0].path, folder.path, fifo, good[1].path])

        #expect(Self.error(results[1])?.message == "input '\(folder.path)' is a directory, not a file")
        #expect(Self.error(results[2])?.message == "input '\(fifo)' is a FIFO, not a file")
        Self.expectHashed(results[0], good[0].bytes, good[0].path)
        Self.expectHashed(results[3], good[1].bytes, good[1].path)
    }

    /// The large file on one lane grows while the other lane takes its third item, so its
    /// first read is stale and the hasher reads it again.
    @Test func fileThatGrowsIsReadAgain() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let large = "\(folder.path)/large"
        let original = pseudoRandomBytes(count: 1 << 20, seed: 950)
        try Self.write(original, to: large)
        let small = try Self.writeGoodFiles(count: 6, in: folder).map { ($0.path, Array($0.bytes.prefix(1000))) }
        for (path, bytes) in small {
            try Self.write(bytes, to: path)
        }
        let appended = Array("more".utf8)

        let results = Self.hash([large] + small.map(\.0)) { takenCount in
            if takenCount == 2 {
                let handle = FileHandle(forWritingAtPath: large)
                handle?.seekToEndOfFile()
                handle?.write(Data(appended))
                handle?.closeFile()
            }
        }

        Self.expectHashed(results[0], original + appended, large)
        #expect(try results[0]?.get().status.size == Int64(original.count + appended.count))
        for (index, (path, bytes)) in small.enumerated() {
            Self.expectHashed(results[index + 1], bytes, path)
        }
    }

    /// The large file grows each time the other lane takes an item, so every read is stale.
    /// The other files fill a whole buffer, so the lanes use up their bytes together and the
    /// other lane takes a new item during each buffer of the large file.
    @Test func fileThatKeepsChangingFails() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let large = "\(folder.path)/large"
        try Self.write(pseudoRandomBytes(count: 1 << 20, seed: 960), to: large)
        let small = (0..<60).map { "\(folder.path)/small-\($0)" }
        for (index, path) in small.enumerated() {
            try Self.write(pseudoRandomBytes(count: 1 << 16, seed: 1000 + UInt64(index)), to: path)
        }

        let results = Self.hash([large] + small) { _ in
            let handle = FileHandle(forWritingAtPath: large)
            handle?.seekToEndOfFile()
            handle?.write(Data("x".utf8))
            handle?.closeFile()
        }

        guard case .fileKeepsChanging(let path, let attempts) = Self.error(results[0]) else {
            Issue.record("expected fileKeepsChanging, got \(String(describing: results[0]))")
            return
        }
        #expect(path == large)
        #expect(attempts == FileHasher.maximumAttempts)
        for (index, path) in small.enumerated() {
            Self.expectHashed(results[index + 1], pseudoRandomBytes(count: 1 << 16, seed: 1000 + UInt64(index)), path)
        }
    }
}
