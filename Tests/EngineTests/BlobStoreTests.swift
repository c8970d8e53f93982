import Foundation
import Hashing
import Testing
import TestSupport
@testable import Engine

@Suite struct BlobStoreTests {
    @Test func storeNamesBlobByDigest() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let source = try workspace.write("app.txt", "hello\n")
        let store = BlobStore(directory: CacheDirectory(path: workspace.path + "/cache"))

        let stored = try store.store(fileAt: source)

        #expect(stored.digest == SHA256.hash("hello\n"))
        #expect(stored.size == 6)
        #expect(store.path(for: stored.digest).hasSuffix("/blobs/\(stored.digest.hex.prefix(2))/\(stored.digest.hex)"))
        #expect(store.contains(stored.digest))
        #expect(try workspace.read("cache/blobs/\(stored.digest.hex.prefix(2))/\(stored.digest.hex)") == "hello\n")
    }

    @Test func sameContentsStoredOnce() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let first = try workspace.write("a.txt", "same\n")
        let second = try workspace.write("b.txt", "same\n")
        let store = BlobStore(directory: CacheDirectory(path: workspace.path + "/cache"))

        let firstDigest = try store.store(fileAt: first).digest
        let secondDigest = try store.store(fileAt: second).digest

        #expect(firstDigest == secondDigest)
        #expect(try store.allBlobs().count == 1)
        #expect(workspace.listing("cache/tmp").isEmpty)
    }

    @Test func copyRestoresContentsAndMode() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let source = try workspace.write("tool", "#!/bin/sh\n")
        let store = BlobStore(directory: CacheDirectory(path: workspace.path + "/cache"))
        let digest = try store.store(fileAt: source).digest

        try store.copy(digest, to: workspace.path + "/restored", mode: 0o751, entryPath: "tool")

        #expect(try workspace.read("restored") == "#!/bin/sh\n")
        #expect(workspace.mode(of: "restored") == 0o751)
    }

    @Test func missingBlobIsCacheMiss() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = BlobStore(directory: CacheDirectory(path: workspace.path + "/cache"))
        let digest = SHA256.hash("never stored")

        #expect {
            try store.copy(digest, to: workspace.path + "/restored", mode: 0o644, entryPath: "app")
        } throws: { error in
            guard let error = error as? ArtifactError, case .missingBlob(let path, let missing) = error else {
                return false
            }
            return error.isCacheMiss && path == "app" && missing == digest
        }
        #expect(!workspace.exists("restored"))
    }

    @Test func damagedBlobRemovedAndMissed() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let source = try workspace.write("app", "original\n")
        let store = BlobStore(directory: CacheDirectory(path: workspace.path + "/cache"))
        let digest = try store.store(fileAt: source).digest
        let blobPath = store.path(for: digest)
        chmod(blobPath, 0o644)
        try "tampered\n".write(toFile: blobPath, atomically: false, encoding: .utf8)

        #expect {
            try store.copy(digest, to: workspace.path + "/restored", mode: 0o644, entryPath: "app")
        } throws: { error in
            guard let error = error as? ArtifactError, case .corruptBlob = error else { return false }
            return error.isCacheMiss
        }
        #expect(!store.contains(digest))
        #expect(!workspace.exists("restored"))
    }

    @Test func cacheDirectoryPrecedence() {
        let root = "/w"

        #expect(CacheDirectory(root: root).path == "/w/.dagrun/cache")
        #expect(CacheDirectory(root: root, environment: ["DAGRUN_CACHE_DIR": "/env/"]).path == "/env")
        #expect(CacheDirectory(root: root, option: "/opt", environment: ["DAGRUN_CACHE_DIR": "/env"]).path == "/opt")
        #expect(CacheDirectory(root: root, option: "", environment: ["DAGRUN_CACHE_DIR": ""]).path == "/w/.dagrun/cache")
    }
}
