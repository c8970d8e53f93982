import Foundation
import Testing
import TestSupport
@testable import Hashing

/// `hashTree` walks and stats in one pass; these tests pin it to the two-pass result of
/// `TreeWalker.files(under:)` followed by `records(root:relativePaths:)`.
@Suite struct TreeScanTests {
    /// A tree with the cases that order and link rules hinge on: a folder "a" beside "a.txt"
    /// and "a-b", links to a file, to a folder and to nothing, a name that is not UTF-8, state
    /// folders at the root and an "artifacts" folder below it.
    private func makeTree(in folder: TemporaryDirectory) throws {
        var files: [String: String] = [:]
        for top in 0..<5 {
            for sub in 0..<4 {
                for file in 0..<3 {
                    files["t\(top)/s\(sub)/f\(file).txt"] = "\(top) \(sub) \(file)"
                }
            }
        }
        for path in ["a.txt", "a-b", "a/z.txt", "a/b/c.txt", "src/artifacts/kept.txt", ".git/HEAD", "artifacts/skipped", ".dagrun/x"] {
            files[path] = path
        }
        _ = try writeAgedFiles(files, in: folder)
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: "\(folder.path)/a/link", withDestinationPath: "../a.txt")
        try manager.createSymbolicLink(atPath: "\(folder.path)/t1/to-folder", withDestinationPath: "s0")
        try manager.createSymbolicLink(atPath: "\(folder.path)/dangling", withDestinationPath: "nowhere")
        try manager.createDirectory(atPath: "\(folder.path)/t2/empty", withIntermediateDirectories: true)
        let invalidName = "\(folder.path)/t3/bad-".utf8CString.dropLast() + [CChar(bitPattern: 0xFF), 0]
        let descriptor = invalidName.withUnsafeBufferPointer { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        #expect(descriptor >= 0)
        close(descriptor)
    }

    @Test(arguments: [
        [""],
        ["t1"],
        ["t1/", "a"],
        ["a.txt", "a", "absent"],
        ["t2", "t2/s1", "t2/s1/f0.txt", "dangling"],
        ["a/link", "t1/to-folder"],
    ])
    func hashTreeMatchesWalkThenRecords(prefixes: [String]) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try makeTree(in: folder)
        let indexes = try TemporaryDirectory()
        defer { indexes.remove() }
        let twoPass = try HashIndex(path: "\(indexes.path)/two-pass.db")
        let onePass = try HashIndex(path: "\(indexes.path)/one-pass.db")

        let paths = try TreeWalker(root: folder.path).files(under: prefixes)
        let expected = try twoPass.records(root: folder.path, relativePaths: paths).records
        let tree = try onePass.hashTree(root: folder.path, prefixes: prefixes)

        #expect(tree.records.map(\.path) == paths)
        #expect(tree.records == expected)
        #expect(tree.directories == twoPass.directoryDigests(for: expected))
    }
}
