import Foundation
import Hashing
import Testing
import TestSupport
@testable import Engine

@Suite struct ActionCacheTests {
    static let manifest = try! Manifest(entries: [
        Manifest.Entry(path: "app.txt", mode: 0o644, content: .file(digest: SHA256.hash("app\n"), size: 4)),
        Manifest.Entry(path: "current", mode: 0o777, content: .symbolicLink(target: "app.txt")),
    ])
    static let key = SHA256.hash("cache key")
    static let components = CacheKey.Components(
        job: "build",
        script: "make",
        environment: ["MODE": "release"],
        inputPatterns: ["src/**"],
        artifactPatterns: ["out/**"],
        inputs: [CacheKey.InputFile(path: "src/a.c", digest: SHA256.hash("a"), isExecutable: false)],
        upstreamArtifacts: [:]
    )

    @Test func recordedEntryReadBack() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let cache = ActionCache(directory: CacheDirectory(root: workspace.path))
        let entry = ActionCache.Entry(key: Self.key, manifest: Self.manifest, createdAt: Date(timeIntervalSince1970: 1_700_000_000))

        try cache.record(key: Self.key, entry: entry)
        var warnings: [String] = []
        let read = cache.entry(for: Self.key, warnings: &warnings)

        #expect(read == entry)
        #expect(read?.artifactDigest == Self.manifest.digest)
        #expect(warnings.isEmpty)
        #expect(cache.entry(for: SHA256.hash("other key"), warnings: &warnings) == nil)
        #expect(warnings.isEmpty)
    }

    @Test func truncatedEntryIsMissWithWarning() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let cache = ActionCache(directory: CacheDirectory(root: workspace.path))
        try cache.record(key: Self.key, entry: ActionCache.Entry(key: Self.key, manifest: Self.manifest))
        let path = cache.path(for: Self.key)
        let complete = try Data(contentsOf: URL(fileURLWithPath: path))

        for length in 0..<complete.count {
            try complete.prefix(length).write(to: URL(fileURLWithPath: path))
            var warnings: [String] = []

            #expect(cache.entry(for: Self.key, warnings: &warnings) == nil, "truncated to \(length) bytes")
            #expect(warnings.count == 1, "truncated to \(length) bytes")
            #expect(!FileManager.default.fileExists(atPath: path), "damaged entry removed")
        }
    }

    @Test(arguments: [
        ("artifact digest mismatch", #""artifactDigest":"[0-9a-f]{64}""#, #""artifactDigest":"\#(String(repeating: "0", count: 64))""#),
        ("key mismatch", #""key":"[0-9a-f]{64}""#, #""key":"\#(String(repeating: "1", count: 64))""#),
        ("unknown version", #""version":1"#, #""version":99"#),
        ("path leaving the folder", #""path":"app.txt""#, #""path":"..\/app.txt""#),
    ])
    func inconsistentEntryIsMiss(_ name: String, _ pattern: String, _ replacement: String) throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let cache = ActionCache(directory: CacheDirectory(root: workspace.path))
        try cache.record(key: Self.key, entry: ActionCache.Entry(key: Self.key, manifest: Self.manifest))
        let path = cache.path(for: Self.key)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let edited = original.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        #expect(edited != original, "the edit must apply")
        try edited.write(toFile: path, atomically: false, encoding: .utf8)
        var warnings: [String] = []

        #expect(cache.entry(for: Self.key, warnings: &warnings) == nil)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("damaged cache entry") == true)
    }

    // MARK: Job state

    @Test func failureKeepsLastSuccess() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = JobStateStore(root: workspace.path)
        var failing = Self.components
        failing.script = "make broken"

        try store.recordSuccess(of: "build", components: Self.components, artifactDigest: Self.manifest.digest)
        try store.recordFailure(of: "build", components: failing)
        var warnings: [String] = []
        let state = try #require(store.state(for: "build", warnings: &warnings))

        #expect(state.lastOutcome?.outcome == .failed)
        #expect(state.lastOutcome?.components(warnings: &warnings) == failing)
        #expect(state.lastOutcome?.artifactDigest == nil)
        #expect(state.lastSuccess?.outcome == .succeeded)
        #expect(state.lastSuccess?.components(warnings: &warnings) == Self.components)
        #expect(state.lastSuccess?.keyDigest == Self.components.digest)
        #expect(state.lastSuccess?.artifactDigest == Self.manifest.digest)
        #expect(warnings.isEmpty)
        #expect(workspace.exists(".dagrun/state/build.json"))
    }

    @Test func neverRunJobHasNoState() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        var warnings: [String] = []

        #expect(JobStateStore(root: workspace.path).state(for: "build", warnings: &warnings) == nil)
        #expect(warnings.isEmpty)
    }

    @Test func damagedStateFileCountsAsNeverRun() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = JobStateStore(root: workspace.path)
        try store.recordSuccess(of: "build", components: Self.components, artifactDigest: Self.manifest.digest)
        let path = store.path(for: "build")
        let complete = try Data(contentsOf: URL(fileURLWithPath: path))

        for length in 0..<complete.count {
            try complete.prefix(length).write(to: URL(fileURLWithPath: path))
            var warnings: [String] = []

            #expect(store.state(for: "build", warnings: &warnings) == nil, "truncated to \(length) bytes")
            #expect(warnings.count == 1, "truncated to \(length) bytes")
        }

        try store.recordFailure(of: "build", components: Self.components)
        var warnings: [String] = []
        #expect(store.state(for: "build", warnings: &warnings)?.lastOutcome?.outcome == .failed)
        #expect(warnings.isEmpty)
    }

    // MARK: Maintenance

    @Test func pruneKeepsReferencedBlobs() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let directory = CacheDirectory(root: workspace.path)
        let artifacts = ArtifactStore(root: workspace.path, blobs: BlobStore(directory: directory))
        try workspace.write("out/kept.txt", "kept\n")
        let manifest = try artifacts.collect(job: "build", patterns: GlobSet(["out/**"], purpose: .artifacts)).manifest
        try ActionCache(directory: directory).record(key: Self.key, entry: ActionCache.Entry(key: Self.key, manifest: manifest))
        let orphan = try artifacts.blobs.store(fileAt: try workspace.write("orphan.txt", "orphan!\n")).digest
        let maintenance = CacheMaintenance(directory: directory)

        let before = try maintenance.statistics()
        var warnings: [String] = []
        let pruned = try maintenance.prune(warnings: &warnings)
        let after = try maintenance.statistics()

        #expect(before.entryCount == 1)
        #expect(before.blobCount == 2)
        #expect(before.blobBytes == 5 + 8)
        #expect(pruned.removedBlobCount == 1)
        #expect(pruned.removedBytes == 8)
        #expect(!artifacts.blobs.contains(orphan))
        #expect(artifacts.blobs.contains(SHA256.hash("kept\n")))
        #expect(after.blobCount == 1)
        #expect(warnings.isEmpty)
    }

    @Test func clearEmptiesCache() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let directory = CacheDirectory(root: workspace.path)
        try ActionCache(directory: directory).record(key: Self.key, entry: ActionCache.Entry(key: Self.key, manifest: Self.manifest))
        _ = try BlobStore(directory: directory).store(fileAt: try workspace.write("a.txt", "a\n"))
        let maintenance = CacheMaintenance(directory: directory)

        try maintenance.clear()

        #expect(try maintenance.statistics() == CacheMaintenance.Statistics())
        #expect(workspace.exists(".dagrun/cache"))
    }
}
