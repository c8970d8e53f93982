#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Foundation
import Testing
import TestSupport
@testable import Engine

@Suite struct WalkerTests {
    struct TreeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var files: [String]
        var folders: [String] = []
        var patterns: [String]
        var expected: [String]

        var testDescription: String { name }
    }

    static let treeCases: [TreeCase] = [
        TreeCase(
            name: "nested folders",
            files: ["src/a.c", "src/sub/b.c", "src/sub/deep/c.h", "docs/x.md"],
            patterns: ["src/**"],
            expected: ["src/a.c", "src/sub/b.c", "src/sub/deep/c.h"]
        ),
        TreeCase(
            name: "dotfiles included",
            files: [".env", "src/.hidden.c", "src/.config/x", "src/a.c"],
            patterns: ["**"],
            expected: [".env", "src/.config/x", "src/.hidden.c", "src/a.c"]
        ),
        TreeCase(
            name: "reserved folders at the root",
            files: [".git/config", ".dagrun/index.db", "artifacts/build/app", "src/a.c", "lib/artifacts/x"],
            patterns: ["**"],
            expected: ["lib/artifacts/x", "src/a.c"]
        ),
        TreeCase(
            name: "empty folders not listed",
            files: ["src/a.c"],
            folders: ["src/empty", "other/empty"],
            patterns: ["**"],
            expected: ["src/a.c"]
        ),
        TreeCase(
            name: "exclusion and re-inclusion",
            files: ["src/a.c", "src/gen/x.c", "src/gen/keep.c"],
            patterns: ["src/**", "!src/gen/**", "src/gen/keep.c"],
            expected: ["src/a.c", "src/gen/keep.c"]
        ),
        TreeCase(
            name: "several search roots",
            files: ["src/a.c", "include/a.h", "README.md", "tests/t.c"],
            patterns: ["src/*.c", "include/**", "README.md"],
            expected: ["README.md", "include/a.h", "src/a.c"]
        ),
        TreeCase(
            name: "missing search root",
            files: ["src/a.c"],
            patterns: ["gone/**", "src/**"],
            expected: ["src/a.c"]
        ),
    ]

    @Test(arguments: treeCases)
    func walkListsMatchingFiles(_ testCase: TreeCase) throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        for file in testCase.files {
            try workspace.write(file, "contents of \(file)\n")
        }
        for folder in testCase.folders {
            try FileManager.default.createDirectory(atPath: workspace.path + "/" + folder, withIntermediateDirectories: true)
        }

        let result = try FileWalker.files(in: workspace.path, matching: GlobSet(testCase.patterns, purpose: .inputs))

        #expect(result.paths == testCase.expected)
        #expect(result.warnings.isEmpty)
    }

    @Test func linkToFileListed() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("src/real.c", "int x;\n")
        try workspace.symlink("src/alias.c", to: "real.c")

        let result = try FileWalker.files(in: workspace.path, matching: GlobSet(["src/**"], purpose: .inputs))

        #expect(result.paths == ["src/alias.c", "src/real.c"])
        #expect(result.warnings.isEmpty)
    }

    @Test func linkToFolderInsideDescended() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("lib/x.c", "x\n")
        try workspace.write("lib/sub/y.c", "y\n")
        try workspace.write("src/a.c", "a\n")
        try workspace.symlink("src/lib", to: "../lib")

        let result = try FileWalker.files(in: workspace.path, matching: GlobSet(["src/**"], purpose: .inputs))

        #expect(result.paths == ["src/a.c", "src/lib/sub/y.c", "src/lib/x.c"])
        #expect(result.warnings.isEmpty)
    }

    @Test func linkLoopWarnedAndSkipped() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("src/a.c", "a\n")
        try workspace.write("src/sub/b.c", "b\n")
        try workspace.symlink("src/sub/up", to: "..")

        let result = try FileWalker.files(in: workspace.path, matching: GlobSet(["src/**"], purpose: .inputs))

        #expect(result.paths == ["src/a.c", "src/sub/b.c"])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains("'src/sub/up'") == true)
        #expect(result.warnings.first?.contains("loop") == true)
    }

    @Test func linkLeavingWorkspaceNotFollowed() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let outside = try TemporaryDirectory("linkLeavingWorkspaceOutside")
        defer { outside.remove() }
        try outside.write("secret.c", "s\n")
        try workspace.write("src/a.c", "a\n")
        try workspace.symlink("src/external", to: outside.path)
        try workspace.symlink("src/external.c", to: outside.path + "/secret.c")

        let result = try FileWalker.files(in: workspace.path, matching: GlobSet(["src/**"], purpose: .inputs))

        #expect(result.paths == ["src/a.c"])
        #expect(result.warnings.count == 2)
        #expect(result.warnings.allSatisfy { $0.contains("outside the workspace") })
        #expect(result.warnings.contains { $0.contains("'src/external'") })
        #expect(result.warnings.contains { $0.contains("'src/external.c'") })
    }

    @Test func searchRootThroughOutsideLinkSkipped() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        let outside = try TemporaryDirectory("searchRootThroughOutsideLinkOutside")
        defer { outside.remove() }
        try outside.write("gen/secret.c", "s\n")
        try workspace.symlink("src", to: outside.path)

        let result = try FileWalker.files(in: workspace.path, matching: GlobSet(["src/gen/**"], purpose: .inputs))

        #expect(result.paths.isEmpty)
        #expect(result.warnings == ["not walking 'src/gen': a symbolic link in its path leads outside the workspace"])
    }

    @Test func danglingInputLinkWarned() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("src/a.c", "a\n")
        try workspace.symlink("src/gone.c", to: "nothing-here.c")

        let result = try FileWalker.files(in: workspace.path, matching: GlobSet(["src/**"], purpose: .inputs))

        #expect(result.paths == ["src/a.c"])
        #expect(result.warnings == ["skipping symbolic link 'src/gone.c': its target 'nothing-here.c' does not exist"])
    }

    @Test func artifactLinksListedNotFollowed() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("out/v2/app", "app\n")
        try workspace.symlink("out/current", to: "v2")
        try workspace.symlink("out/dangling", to: "missing")

        let result = try FileWalker.files(in: workspace.path, matching: GlobSet(["out/**"], purpose: .artifacts))

        #expect(result.paths == ["out/current", "out/dangling", "out/v2/app"])
        #expect(result.warnings.isEmpty)
    }

    @Test func nonUTF8NameWarnedAndSkipped() throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("src/a.c", "a\n")
        try workspace.createFile(named: Array("src/caf".utf8) + [0xE9] + Array(".c".utf8))

        let result = try FileWalker.files(in: workspace.path, matching: GlobSet(["src/**"], purpose: .inputs))

        #expect(result.paths == ["src/a.c"])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains(#"src/caf\xE9.c"#) == true)
    }

    @Test(arguments: [
        ([UInt8]("plain/path.c".utf8), "plain/path.c"),
        ([UInt8]("caf".utf8) + [0xE9], #"caf\xE9"#),
        ([0xFF, 0xFE], #"\xFF\xFE"#),
        ([UInt8]("é".utf8), "é"),
        ([0xE2, 0x82], #"\xE2\x82"#),
        ([0xC3], #"\xC3"#),
    ])
    func displayPathEscapesInvalidBytes(_ bytes: [UInt8], _ expected: String) {
        #expect(displayPath(bytes) == expected)
    }
}

// MARK: Helpers shared by the cache and artifact tests

extension TemporaryDirectory {
    /// Creates a symbolic link at `relativePath` whose target is `target`, as written.
    func symlink(_ relativePath: String, to target: String) throws {
        let full = path + "/" + relativePath
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }

    /// Creates an empty file whose name is given as raw bytes, which need not be valid UTF-8.
    func createFile(named relativeBytes: [UInt8]) throws {
        let full = Array(path.utf8) + [0x2f] + relativeBytes
        let descriptor = (full.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
            open($0.baseAddress!, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        }
        #expect(descriptor >= 0)
        close(descriptor)
    }

    /// Sets the permission bits of `relativePath`, ignoring the umask.
    func setMode(_ relativePath: String, _ mode: mode_t) {
        #expect(chmod(path + "/" + relativePath, mode) == 0)
    }

    /// Returns the permission bits of `relativePath`, without following a final link.
    func mode(of relativePath: String) -> UInt32 {
        var info = stat()
        guard lstat(path + "/" + relativePath, &info) == 0 else { return 0 }
        return UInt32(info.st_mode) & 0o7777
    }

    /// Returns the target of the link at `relativePath`, or nil when it is not a link.
    func linkTarget(_ relativePath: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: path + "/" + relativePath)
    }

    /// Lists every file and link under `relativePath`, relative to it, sorted.
    func listing(_ relativePath: String) -> [String] {
        let base = path + "/" + relativePath
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var paths: [String] = []
        while let next = enumerator.nextObject() as? String {
            var info = stat()
            if lstat(base + "/" + next, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
                paths.append(next)
            }
        }
        return paths.sorted()
    }
}
