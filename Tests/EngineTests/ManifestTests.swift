import Foundation
import Hashing
import Testing
@testable import Engine

@Suite struct ManifestTests {
    static let app = Manifest.Entry(path: "bin/app", mode: 0o755, content: .file(digest: SHA256.hash("app"), size: 3))
    static let readme = Manifest.Entry(path: "README", mode: 0o644, content: .file(digest: SHA256.hash("hi"), size: 2))
    static let link = Manifest.Entry(path: "current", mode: 0o777, content: .symbolicLink(target: "bin"))

    @Test func entriesSortedByPath() throws {
        let manifest = try Manifest(entries: [Self.link, Self.app, Self.readme])

        #expect(manifest.entries.map(\.path) == ["README", "bin/app", "current"])
        #expect(manifest.digest == (try Manifest(entries: [Self.readme, Self.app, Self.link])).digest)
        #expect(manifest.totalSize == 3 + 2 + 3)
        #expect(manifest.blobDigests == [SHA256.hash("app"), SHA256.hash("hi")])
    }

    @Test func digestCoversEveryField() throws {
        let base = try Manifest(entries: [Self.app, Self.link]).digest
        var modeChanged = Self.app
        modeChanged.mode = 0o744
        var contentChanged = Self.app
        contentChanged.content = .file(digest: SHA256.hash("app2"), size: 4)
        var targetChanged = Self.link
        targetChanged.content = .symbolicLink(target: "bin/")
        var pathChanged = Self.app
        pathChanged.path = "bin/app2"

        let variants = [
            try Manifest(entries: [modeChanged, Self.link]).digest,
            try Manifest(entries: [contentChanged, Self.link]).digest,
            try Manifest(entries: [Self.app, targetChanged]).digest,
            try Manifest(entries: [pathChanged, Self.link]).digest,
            try Manifest(entries: [Self.app]).digest,
            Manifest.empty.digest,
        ]

        #expect(Set(variants + [base]).count == variants.count + 1)
    }

    @Test(arguments: ["", "/etc/passwd", "a/../b", "../x", "a//b", "./a", "a/", "a/."])
    func invalidPathRejected(_ path: String) {
        let entry = Manifest.Entry(path: path, mode: 0o644, content: .file(digest: SHA256.hash(""), size: 0))

        #expect(throws: ArtifactError.self) { try Manifest(entries: [entry]) }
    }

    @Test func duplicatePathRejected() {
        #expect(throws: ArtifactError.self) { try Manifest(entries: [Self.app, Self.app]) }
    }

    @Test func fileInsideFileRejected() {
        let inside = Manifest.Entry(path: "README/x", mode: 0o644, content: .symbolicLink(target: "y"))

        #expect(throws: ArtifactError.self) { try Manifest(entries: [Self.readme, inside]) }
    }

    @Test func manifestSurvivesJSON() throws {
        let manifest = try Manifest(entries: [Self.app, Self.readme, Self.link])

        let decoded = try JSONDecoder().decode(Manifest.self, from: JSONEncoder().encode(manifest))

        #expect(decoded == manifest)
        #expect(decoded.digest == manifest.digest)
    }

    @Test func decodingRejectsEscapingPath() {
        let json = #"{"entries": [{"path": "../../etc/x", "mode": 420, "size": 0, "digest": "\#(SHA256.hash("").hex)"}]}"#

        #expect(throws: (any Error).self) { try JSONDecoder().decode(Manifest.self, from: Data(json.utf8)) }
    }
}
