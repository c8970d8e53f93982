import Foundation
import Hashing
import Testing
import TestSupport
@testable import Engine

@Suite struct JobStateTests {
    static func components(script: String = "make", inputCount: Int = 1) -> CacheKey.Components {
        CacheKey.Components(
            job: "build",
            script: script,
            environment: ["MODE": "release"],
            inputPatterns: ["src/**"],
            artifactPatterns: ["out/**"],
            inputs: (0..<inputCount).map { number in
                CacheKey.InputFile(path: "src/file\(number).c", digest: SHA256.hash("\(number)"), isExecutable: false)
            },
            upstreamArtifacts: ["lint": SHA256.hash("lint artifacts")]
        )
    }

    static let artifactDigest = SHA256.hash("artifacts")

    /// Returns the inode of every file under `folder`, by path relative to it.
    static func inodes(under folder: String) throws -> [String: UInt64] {
        var inodes: [String: UInt64] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let path = enumerator?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + path)
            if attributes[.type] as? FileAttributeType == .typeRegular {
                inodes[path] = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
            }
        }
        return inodes
    }

    static func fileNames(in folder: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder))
    }

    // MARK: Files

    @Test func stateFileStaysSmall() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = JobStateStore(root: workspace.path)
        let components = Self.components(inputCount: 10_000)

        try store.recordSuccess(of: "build", components: components, artifactDigest: Self.artifactDigest)
        try store.recordFailure(of: "build", components: Self.components(script: "make broken", inputCount: 10_000))

        let stateSize = try #require(try FileManager.default.attributesOfItem(atPath: store.path(for: "build"))[.size] as? Int)
        let componentsPath = store.componentsPath(for: "build", key: components.digest)
        let componentsSize = try #require(try FileManager.default.attributesOfItem(atPath: componentsPath)[.size] as? Int)
        #expect(stateSize < 1024, "the state file holds no input paths")
        #expect(componentsSize > 10_000 * 64, "the components file holds every input digest")

        var warnings: [String] = []
        let state = try #require(store.state(for: "build", warnings: &warnings))
        #expect(state.version == JobState.formatVersion)
        #expect(state.lastSuccess?.keyDigest == components.digest)
        #expect(state.lastSuccess?.components(warnings: &warnings) == components)
        #expect(warnings.isEmpty)
    }

    @Test func componentsWrittenOncePerKey() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = JobStateStore(root: workspace.path)
        let components = Self.components()
        let folder = store.componentsDirectory(for: "build")

        try store.recordSuccess(of: "build", components: components, artifactDigest: Self.artifactDigest)
        let first = try Self.inodes(under: folder)
        try store.recordSuccess(
            of: "build",
            components: components,
            artifactDigest: Self.artifactDigest,
            finishedAt: Date().addingTimeInterval(60)
        )

        #expect(first.count == 1)
        #expect(try Self.inodes(under: folder) == first, "the file for an existing key is not rewritten")
    }

    @Test func unreferencedComponentsRemoved() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = JobStateStore(root: workspace.path)
        let first = Self.components(script: "make first")
        let failing = Self.components(script: "make broken")
        let second = Self.components(script: "make second")
        let folder = store.componentsDirectory(for: "build")
        let fileName = { (components: CacheKey.Components) in "\(components.digest.hex).json" }

        try store.recordSuccess(of: "build", components: first, artifactDigest: Self.artifactDigest)
        try store.recordFailure(of: "build", components: failing)
        #expect(try Self.fileNames(in: folder) == [fileName(first), fileName(failing)])

        try workspace.write(".dagrun/state/components/build/leftover.tmp", "interrupted write")
        try store.recordSuccess(of: "build", components: second, artifactDigest: Self.artifactDigest)
        #expect(try Self.fileNames(in: folder) == [fileName(second)])
    }

    @Test func versionOneStateFileRead() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = JobStateStore(root: workspace.path)
        let components = Self.components()
        let encodedComponents = try #require(String(data: try ActionCache.encoder.encode(components), encoding: .utf8))
        try workspace.write(".dagrun/state/build.json", """
            {"version": 1, "lastSuccess": {"outcome": "succeeded", "keyDigest": "\(components.digest.hex)",
             "artifactDigest": "\(Self.artifactDigest.hex)", "finishedAt": "2026-01-01T00:00:00Z",
             "components": \(encodedComponents)}}
            """)

        var warnings: [String] = []
        let state = try #require(store.state(for: "build", warnings: &warnings))
        #expect(state.lastSuccess?.components(warnings: &warnings) == components)
        #expect(warnings.isEmpty)

        try store.recordFailure(of: "build", components: Self.components(script: "make broken"))
        let rewritten = try #require(store.state(for: "build", warnings: &warnings))
        #expect(rewritten.version == JobState.formatVersion)
        #expect(rewritten.lastSuccess?.components(warnings: &warnings) == components, "the components moved to their own file")
        #expect(workspace.exists(".dagrun/state/components/build/\(components.digest.hex).json"))
        #expect(warnings.isEmpty)
    }

    // MARK: Damage

    @Test func damagedComponentsFileIsWarning() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = JobStateStore(root: workspace.path)
        let components = Self.components()
        try store.recordSuccess(of: "build", components: components, artifactDigest: Self.artifactDigest)
        let path = store.componentsPath(for: "build", key: components.digest)
        let complete = try Data(contentsOf: URL(fileURLWithPath: path))

        for length in 0..<complete.count {
            try complete.prefix(length).write(to: URL(fileURLWithPath: path))
            var warnings: [String] = []
            let run = try #require(store.state(for: "build", warnings: &warnings)?.lastSuccess)

            #expect(run.components(warnings: &warnings) == nil, "truncated to \(length) bytes")
            #expect(warnings.count == 1, "truncated to \(length) bytes")
        }

        // The file of another key, copied over this one, does not hash to this key.
        let other = Self.components(script: "make broken")
        try store.recordFailure(of: "build", components: other)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: store.componentsPath(for: "build", key: other.digest), toPath: path)
        var warnings: [String] = []
        let run = try #require(store.state(for: "build", warnings: &warnings)?.lastSuccess)

        #expect(run.components(warnings: &warnings) == nil)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("does not match cache key") == true)
    }

    @Test(arguments: ["missing", "damaged"])
    func unavailableComponentsGiveGenericReason(_ damage: String) async throws {
        let fixture = try AnalyzerFixture()
        defer { fixture.remove() }
        #expect(try await fixture.run().isSuccess)
        let store = JobStateStore(directory: fixture.workspace.jobStateDirectory)
        var warnings: [String] = []
        let key = try #require(store.state(for: "build", warnings: &warnings)?.lastSuccess?.keyDigest)
        let path = store.componentsPath(for: "build", key: key)
        if damage == "missing" {
            try FileManager.default.removeItem(atPath: path)
        } else {
            try "{\"version\": 2, \"key\": ".write(toFile: path, atomically: false, encoding: .utf8)
        }
        try fixture.directory.write("src/a.txt", "changed\n")

        let report = try fixture.analyze().report
        #expect(report.status(of: "build")?.reasons.map(\.description) == ["cache key changed (details unavailable)"])
        #expect(report.warnings.contains { $0.contains(path) })

        #expect(try await fixture.run().isSuccess, "the next run records the components again")
        #expect(try fixture.analyze().report.statuses.map(\.state) == [.upToDate, .upToDate])
    }

    // MARK: Runs

    @Test func noOpRunWritesNoState() async throws {
        let fixture = try AnalyzerFixture()
        defer { fixture.remove() }
        #expect(try await fixture.run().isSuccess)
        let folder = fixture.workspace.jobStateDirectory
        let before = try Self.inodes(under: folder)

        #expect(try await fixture.run().isSuccess)

        #expect(before.keys.contains("build.json"))
        #expect(before.keys.contains { $0.hasPrefix("components/build/") })
        #expect(try Self.inodes(under: folder) == before, "every file is the one the first run wrote")
    }
}
