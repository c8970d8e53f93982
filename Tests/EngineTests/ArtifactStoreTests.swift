#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Foundation
import Hashing
import Testing
import TestSupport
@testable import Engine

@Suite struct ArtifactStoreTests {
    private func makeStore(_ workspace: TemporaryDirectory) -> ArtifactStore {
        ArtifactStore(root: workspace.path, blobs: BlobStore(directory: CacheDirectory(root: workspace.path)))
    }

    @Test func collectStripsLiteralPrefix() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("out/app.txt", "app\n")
        try workspace.write("out/lib/core.so", "core\n")
        try workspace.write("dist/app.tgz", "tgz\n")
        try workspace.write("dist/other", "not collected\n")

        let collection = try makeStore(workspace).collect(
            job: "build",
            patterns: GlobSet(["out/**", "dist/app.tgz"], purpose: .artifacts)
        )

        #expect(collection.manifest.entries.map(\.path) == ["app.tgz", "app.txt", "lib/core.so"])
        #expect(collection.warnings.isEmpty)
        #expect(workspace.listing("artifacts/build") == ["app.tgz", "app.txt", "lib/core.so"])
        #expect(try workspace.read("artifacts/build/lib/core.so") == "core\n")
        #expect(collection.manifest.entries[1].digest == SHA256.hash("app\n"))
    }

    @Test func collectKeepsModesAndLinks() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("out/bin/tool", "#!/bin/sh\n")
        workspace.setMode("out/bin/tool", 0o750)
        try workspace.symlink("out/current", to: "bin/tool")

        let collection = try makeStore(workspace).collect(job: "build", patterns: GlobSet(["out/**"], purpose: .artifacts))

        #expect(collection.manifest.entries.map(\.path) == ["bin/tool", "current"])
        #expect(collection.manifest.entries[0].mode == 0o750)
        #expect(collection.manifest.entries[1].linkTarget == "bin/tool")
        #expect(workspace.mode(of: "artifacts/build/bin/tool") == 0o750)
        #expect(workspace.linkTarget("artifacts/build/current") == "bin/tool")
    }

    @Test func collectReplacesPreviousSetWhole() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = makeStore(workspace)
        let patterns = try GlobSet(["out/**"], purpose: .artifacts)
        try workspace.write("out/old.txt", "old\n")
        try workspace.write("out/keep.txt", "v1\n")
        _ = try store.collect(job: "build", patterns: patterns)
        try FileManager.default.removeItem(atPath: workspace.path + "/out/old.txt")
        try workspace.write("out/keep.txt", "v2\n")

        _ = try store.collect(job: "build", patterns: patterns)

        #expect(workspace.listing("artifacts/build") == ["keep.txt"])
        #expect(try workspace.read("artifacts/build/keep.txt") == "v2\n")
        #expect(workspace.listing("artifacts").allSatisfy { $0.hasPrefix("build/") })
    }

    @Test func twoGlobsMappingToOnePathFail() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = makeStore(workspace)
        try workspace.write("out/app.txt", "from out\n")
        _ = try store.collect(job: "build", patterns: GlobSet(["out/**"], purpose: .artifacts))
        try workspace.write("dist/app.txt", "from dist\n")

        #expect {
            try store.collect(job: "build", patterns: GlobSet(["out/**", "dist/**"], purpose: .artifacts))
        } throws: { error in
            guard let error = error as? ArtifactError,
                  case .conflictingDestinations(let job, let destination, let first, let second) = error
            else { return false }
            return job == "build" && destination == "app.txt"
                && Set([first, second]) == ["out/app.txt", "dist/app.txt"]
                && error.message.contains("out/app.txt") && error.message.contains("dist/app.txt")
        }
        #expect(workspace.listing("artifacts/build") == ["app.txt"])
        #expect(try workspace.read("artifacts/build/app.txt") == "from out\n")
    }

    @Test func fileAndFolderAtOnePathFail() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("a/x", "file\n")
        try workspace.write("b/x/y", "inside\n")

        #expect(throws: ArtifactError.self) {
            try makeStore(workspace).collect(job: "build", patterns: GlobSet(["a/*", "b/**"], purpose: .artifacts))
        }
        #expect(!workspace.exists("artifacts/build"))
    }

    @Test func failedCollectionKeepsPreviousSet() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = makeStore(workspace)
        try workspace.write("out/app.txt", "v1\n")
        let first = try store.collect(job: "build", patterns: GlobSet(["out/**"], purpose: .artifacts))
        try workspace.write("out/app.txt", "v2\n")
        // A link target that is not UTF-8 cannot be recorded, which fails the collection after
        // the regular files were already stored.
        try workspace.write("out/b.txt", "b\n")
        let linkPath = Array((workspace.path + "/out/z-link").utf8)
        let target: [UInt8] = [0x78, 0xFF]
        let created = (linkPath.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { link in
            (target.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { Glibc.symlink($0.baseAddress!, link.baseAddress!) }
        }
        #expect(created == 0)

        #expect {
            try store.collect(job: "build", patterns: GlobSet(["out/**"], purpose: .artifacts))
        } throws: { error in
            guard let error = error as? ArtifactError, case .linkTargetNotUTF8(let path, let shown) = error else {
                return false
            }
            return path == "out/z-link" && shown == #"x\xFF"#
        }
        #expect(workspace.listing("artifacts/build") == ["app.txt"])
        #expect(try workspace.read("artifacts/build/app.txt") == "v1\n")
        #expect(first.manifest.entries.count == 1)
    }

    @Test func patternMatchingNothingWarns() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("out/app.txt", "app\n")

        let collection = try makeStore(workspace).collect(
            job: "build",
            patterns: GlobSet(["out/**", "coverage/**"], purpose: .artifacts)
        )

        #expect(collection.warnings == ["artifact pattern 'coverage/**' matched no files"])
        #expect(collection.manifest.entries.map(\.path) == ["app.txt"])
    }

    @Test func restoreMakesFolderExact() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = makeStore(workspace)
        try workspace.write("out/bin/tool", "tool\n")
        workspace.setMode("out/bin/tool", 0o700)
        try workspace.write("out/share/doc/a/readme", "readme\n")
        workspace.setMode("out/share/doc/a/readme", 0o604)
        try workspace.symlink("out/latest", to: "bin/tool")
        try workspace.symlink("out/broken", to: "../nowhere")
        let manifest = try store.collect(job: "build", patterns: GlobSet(["out/**"], purpose: .artifacts)).manifest
        try workspace.write("artifacts/build/stale.txt", "stale\n")
        try workspace.write("artifacts/build/share/extra/x", "stale\n")
        try workspace.write("artifacts/build/bin/tool", "edited by hand\n")
        workspace.setMode("artifacts/build/bin/tool", 0o666)
        try FileManager.default.removeItem(atPath: workspace.path + "/artifacts/build/latest")

        try store.restore(manifest, for: "build")

        #expect(workspace.listing("artifacts/build") == ["bin/tool", "broken", "latest", "share/doc/a/readme"])
        #expect(try workspace.read("artifacts/build/bin/tool") == "tool\n")
        #expect(workspace.mode(of: "artifacts/build/bin/tool") == 0o700)
        #expect(workspace.mode(of: "artifacts/build/share/doc/a/readme") == 0o604)
        #expect(workspace.linkTarget("artifacts/build/latest") == "bin/tool")
        #expect(workspace.linkTarget("artifacts/build/broken") == "../nowhere")
        #expect(!workspace.exists("artifacts/build/share/extra"))
    }

    @Test func restoreWithMissingBlobKeepsFolder() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let store = makeStore(workspace)
        try workspace.write("out/app.txt", "app\n")
        let manifest = try store.collect(job: "build", patterns: GlobSet(["out/**"], purpose: .artifacts)).manifest
        try FileManager.default.removeItem(atPath: store.blobs.path(for: SHA256.hash("app\n")))
        try workspace.write("artifacts/build/app.txt", "current\n")

        #expect {
            try store.restore(manifest, for: "build")
        } throws: { error in
            (error as? ArtifactError)?.isCacheMiss == true
        }
        #expect(try workspace.read("artifacts/build/app.txt") == "current\n")
    }

    @Test func emptyManifestRemovesFolder() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("artifacts/build/old", "old\n")
        try workspace.write("artifacts/lint/report", "report\n")

        try makeStore(workspace).restore(.empty, for: "build")

        #expect(!workspace.exists("artifacts/build"))
        #expect(workspace.listing("artifacts") == ["lint/report"])
    }

    @Test func jobWithoutArtifactsCreatesNothing() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("out/app.txt", "app\n")

        let collection = try makeStore(workspace).collect(job: "lint", patterns: GlobSet([], purpose: .artifacts))

        #expect(collection.manifest == .empty)
        #expect(collection.warnings.isEmpty)
        #expect(!workspace.exists("artifacts"))
    }

    @Test func leftoverTemporaryFoldersRemoved() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("artifacts/.incoming+build+123-abc/half", "half\n")
        try workspace.write("artifacts/.outgoing+build+123-def/old", "old\n")
        try workspace.write("artifacts/.incoming+build-docs+9-x/other", "another job's\n")
        try workspace.write("out/app.txt", "app\n")

        _ = try makeStore(workspace).collect(job: "build", patterns: GlobSet(["out/**"], purpose: .artifacts))

        #expect(workspace.listing("artifacts") == [".incoming+build-docs+9-x/other", "build/app.txt"])
    }
}
