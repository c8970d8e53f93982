import Foundation
import Testing
import TestSupport
@testable import Hashing

/// The size of the file `writeSparseFile` writes: over 4 GiB, so 32-bit counts overflow.
let sparseFileSize: Int64 = (4 << 30) + 4096 + 3

/// Writes a hole of over 4 GiB followed by "end" to `sparse` in `folder` and returns its path.
/// Only one page is stored on disk.
func writeSparseFile(in folder: TemporaryDirectory) throws -> String {
    let path = "\(folder.path)/sparse"
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seek(toOffset: UInt64(sparseFileSize) - 3)
    try handle.write(contentsOf: Data("end".utf8))
    try handle.close()
    return path
}

@Suite struct TwoLaneHasherTests {
    /// Sizes around block and buffer edges. The lanes read 64 KiB at a time in these tests, so
    /// 64 KiB, 128 KiB and their neighbours end right at, before or after a full buffer.
    static let sizes: [Int] = {
        var sizes = [0, 1, 55, 56, 63, 64, 65, 127, 128, 129]
        for kibibytes in [1, 55, 56, 63, 64, 65, 127, 128, 129] {
            for offset in [-3, -1, 0, 1, 3] {
                sizes.append(kibibytes * 1024 + offset)
            }
        }
        sizes.append((1 << 20) + 3)
        return sizes
    }()

    /// Writes one file per size, each with its own content, and returns the paths with the
    /// content.
    static func writeFiles(_ sizes: [Int], in folder: TemporaryDirectory, seed: UInt64) throws -> [(path: String, bytes: [UInt8])] {
        try sizes.enumerated().map { index, size in
            let path = "\(folder.path)/file-\(index)-\(size)"
            let bytes = pseudoRandomBytes(count: size, seed: seed + UInt64(index))
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return (path, bytes)
        }
    }

    /// Checks that `hasher` returns each file's digest, computed in memory, and its size.
    static func expectDigests(of files: [(path: String, bytes: [UInt8])], hasher: TwoLaneHasher, backend: SHA256.Backend) {
        let results = hasher.hashFiles(at: files.map(\.path))
        #expect(results.count == files.count)
        for (file, result) in zip(files, results) {
            switch result {
            case .success(let hashed):
                #expect(hashed.digest == digest(of: file.bytes, backend: .portable), "\(file.path) on \(backend)")
                #expect(hashed.status.size == Int64(file.bytes.count), "\(file.path)")
            case .failure(let error):
                Issue.record("\(file.path) on \(backend): \(error)")
            }
        }
    }

    @Test(arguments: supportedBackends)
    func sizesMatchInMemoryDigests(backend: SHA256.Backend) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let files = try Self.writeFiles(Self.sizes, in: folder, seed: 300)
        let hasher = TwoLaneHasher(bufferSize: 1 << 16, backend: backend)

        Self.expectDigests(of: files, hasher: hasher, backend: backend)
        // The same sizes in reverse pair other lengths on the lanes.
        Self.expectDigests(of: files.reversed(), hasher: hasher, backend: backend)
    }

    @Test func matchesFileHasherAndSha256sum() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let files = try Self.writeFiles([0, 7, 64, 100_000, (1 << 17) + 5, 4097, (3 << 20) + 17], in: folder, seed: 400)
        let paths = files.map(\.path)
        let expected = parseDigestLines(try runTool("sha256sum", paths))
        var fileHasher = FileHasher()

        let results = TwoLaneHasher(bufferSize: RecordsBatch.readBufferSize, backend: .preferred).hashFiles(at: paths)

        for (path, result) in zip(paths, results) {
            let hashed = try result.get()
            #expect(hashed.digest.hex == expected[path], "\(path)")
            #expect(try hashed.digest == fileHasher.digest(ofFileAt: path), "\(path)")
        }
    }

    @Test(arguments: [1, 3, 5])
    func oddFileCount(count: Int) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let files = try Self.writeFiles(Array(Self.sizes.suffix(count)), in: folder, seed: 500)

        Self.expectDigests(of: files, hasher: TwoLaneHasher(bufferSize: 1 << 16, backend: .preferred), backend: .preferred)
    }

    /// One lane reads a large file while the other goes through many small ones, then the
    /// roles swap, so files end at different times on each lane.
    @Test(arguments: supportedBackends)
    func lanesEndAtDifferentTimes(backend: SHA256.Backend) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let small = (0..<40).map { 100 + $0 * 97 }
        let sizes = [(1 << 20) + 3] + small + [300_001] + small.reversed() + [200_000, 70_000]
        let files = try Self.writeFiles(sizes, in: folder, seed: 600)

        Self.expectDigests(of: files, hasher: TwoLaneHasher(bufferSize: 1 << 16, backend: backend), backend: backend)
    }

    /// Files of equal size and different content: a hasher that swapped the lanes' data would
    /// return each digest for the wrong path.
    @Test func equalSizesKeepTheirOwnDigests() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let files = try Self.writeFiles(Array(repeating: 200_000, count: 6), in: folder, seed: 700)

        Self.expectDigests(of: files, hasher: TwoLaneHasher(bufferSize: 1 << 16, backend: .preferred), backend: .preferred)
    }

    @Test func sparseFileLargerThan4GiB() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try writeSparseFile(in: folder)
        let others = try Self.writeFiles([5000, 300_000], in: folder, seed: 800)
        let paths = [others[0].path, path, others[1].path]
        let expected = parseDigestLines(try runTool("openssl", ["dgst", "-sha256", "-r"] + paths))

        let results = TwoLaneHasher(bufferSize: RecordsBatch.readBufferSize, backend: .preferred).hashFiles(at: paths)

        for (path, result) in zip(paths, results) {
            #expect(try result.get().digest.hex == expected[path], "\(path)")
        }
        #expect(try results[1].get().status.size == sparseFileSize)
    }
}
