import Foundation
import Testing
import TestSupport
@testable import Hashing

@Suite struct FileHasherTests {
    @Test func blockBoundaryLengthsMatchSha256sum() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let lengths = Array(0...200) + [447, 448, 449, 511, 512, 513, 4095, 4096, 4097, 65535, 65536, 65537]
        let bytes = pseudoRandomBytes(count: lengths.max()!, seed: 5)
        var paths: [String] = []
        for length in lengths {
            let path = "\(folder.path)/length-\(length)"
            try Data(bytes[0..<length]).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let expected = parseDigestLines(try runTool("sha256sum", paths))
        for backend in supportedBackends {
            var hasher = FileHasher(bufferSize: 1 << 16, backend: backend)
            for path in paths {
                #expect(try hasher.digest(ofFileAt: path).hex == expected[path], "\(path) on \(backend)")
            }
        }
    }

    @Test func randomFilesMatchOpenSSL() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let sizes = [0, 1, 63, 64, 65, 100_000, (1 << 16) + 1, (3 << 20) + 17]
        var paths: [String] = []
        for (index, size) in sizes.enumerated() {
            let path = "\(folder.path)/random-\(index)"
            try Data(pseudoRandomBytes(count: size, seed: UInt64(index) + 100)).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let expected = parseDigestLines(try runTool("openssl", ["dgst", "-sha256", "-r"] + paths))
        #expect(expected.count == paths.count)
        for backend in supportedBackends {
            var hasher = FileHasher(bufferSize: 1 << 16, backend: backend)
            for path in paths {
                #expect(try hasher.digest(ofFileAt: path).hex == expected[path], "\(path) on \(backend)")
            }
        }
    }

    @Test func emptyFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("empty", "")
        var hasher = FileHasher()
        #expect(try hasher.digest(ofFileAt: path) == SHA256.hash(""))
    }

    @Test func sparseFileLargerThan4GiB() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try writeSparseFile(in: folder)

        var hasher = FileHasher()
        let expected = parseDigestLines(try runTool("openssl", ["dgst", "-sha256", "-r", path]))
        #expect(try hasher.digest(ofFileAt: path).hex == expected[path])
    }

    @Test(.enabled(if: getuid() != 0, "root reads files without read permission"))
    func permissionDeniedNamesPathAndErrno() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = try folder.write("secret.txt", "hidden")
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
        var hasher = FileHasher()
        let error = #expect(throws: HashingError.self) { try hasher.digest(ofFileAt: path) }
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("Permission denied") == true)
        #expect(error?.hint?.contains("chmod") == true)
    }

    /// Reading /proc/self/mem at offset 0 fails with EIO, for root too: a file that opens but
    /// cannot be read.
    @Test func readErrorNamesPathAndErrno() throws {
        var hasher = FileHasher()
        let error = #expect(throws: HashingError.self) { try hasher.digest(ofFileAt: "/proc/self/mem") }
        #expect(error?.message.contains("'/proc/self/mem'") == true)
        #expect(error?.message.contains("Input/output error") == true)
        #expect(error?.hint != nil)
    }

    @Test func missingFileNamesPath() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var hasher = FileHasher()
        let path = "\(folder.path)/absent.txt"
        let error = #expect(throws: HashingError.self) { try hasher.digest(ofFileAt: path) }
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("No such file or directory") == true)
    }

    @Test func folderIsNotAFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var hasher = FileHasher()
        let error = #expect(throws: HashingError.self) { try hasher.digest(ofFileAt: folder.path) }
        #expect(error?.message.contains("is a directory") == true)
    }
}
