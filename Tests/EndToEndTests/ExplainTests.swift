import Foundation
import Testing
import TestSupport

@Suite struct ExplainTests {
    @Test func listsComponentsAndDifferences() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()
        let before = try await JSONSerialization.jsonObject(with: Data(try fixture.dagrun("explain", "--json", "build").output.utf8)) as? [String: Any]
        let oldDigest = try #require(((before?["components"] as? [String: Any])?["inputs"] as? [[String: Any]])?.first?["digest"] as? String)
        try fixture.directory.write("src/a.c", "int main(void) { return 8; }\n")

        let result = try await fixture.dagrun("explain", "build")
        #expect(result.status == 0)
        let lines = result.outputLines
        #expect(lines.first == "build: stale")
        #expect(lines.contains("    input src/a.c modified"))
        #expect(lines.contains("  shell              bash -e -o pipefail -c"))
        #expect(lines.contains("    MODE=debug"))
        #expect(lines.contains("  input patterns     src/**"))
        let inputLine = try #require(lines.first { $0.hasPrefix("    src/a.c  ") })
        #expect(inputLine.count == "    src/a.c  ".count + 64)
        #expect(lines.contains("  input src/a.c modified"))
        #expect(lines.contains("    before: \(oldDigest)"))
    }

    @Test func jsonHasKeyComponentsAndChanges() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()
        try fixture.directory.write("src/a.c", "int main(void) { return 9; }\n")
        try await fixture.runAll("build")

        let result = try await fixture.dagrun("explain", "--json", "test")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(document["job"] as? String == "test")
        #expect(document["state"] as? String == "stale")
        #expect(document["key_known"] as? Bool == true)
        #expect((document["cache_key"] as? String)?.count == 64)
        let lastSuccess = try #require(document["last_success"] as? [String: Any])
        #expect(lastSuccess["cache_key"] as? String != document["cache_key"] as? String)

        let components = try #require(document["components"] as? [String: Any])
        #expect(components["format_version"] as? Int == 1)
        #expect((components["script_digest"] as? String)?.count == 64)
        #expect(components["shell"] as? [String] == ["bash", "-e", "-o", "pipefail", "-c"])
        #expect((components["inputs"] as? [Any])?.isEmpty == true)
        let upstream = try #require(components["upstream"] as? [[String: Any]])
        #expect(upstream.map { $0["job"] as? String } == ["build"])
        #expect(upstream.first?["known"] as? Bool == true)

        let changes = try #require(document["changes"] as? [[String: Any]])
        #expect(changes.count == 1)
        #expect(changes.first?["text"] as? String == "upstream build's artifacts changed")
        #expect(changes.first?["after"] as? String == upstream.first?["artifact_digest"] as? String)
        #expect(changes.first?["before"] as? String != changes.first?["after"] as? String)
    }

    @Test func staleUpstreamIsMarkedUnknown() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()
        try fixture.directory.write("src/a.c", "int main(void) { return 10; }\n")

        let lines = try await fixture.dagrun("explain", "test").outputLines
        #expect(lines.contains { $0.hasPrefix("cache key            not known until build run") })
        let upstreamLine = try #require(lines.first { $0.hasPrefix("    build  ") })
        #expect(upstreamLine.hasSuffix("(build is stale: this is its last successful run's)"))
        #expect(lines.last?.hasPrefix("no other change since the last successful run (") == true)
        #expect(lines.last?.hasSuffix("the key changes only if build produces different artifacts") == true)
        #expect(!lines.contains { $0.hasPrefix("same cache key") })
    }

    @Test func neverRunJobHasNothingToCompare() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }

        let lines = try await fixture.dagrun("explain", "build").outputLines
        #expect(lines.first == "build: never-run")
        #expect(lines.contains("last successful run  none"))
        #expect(lines.last == "no successful run to compare with")
    }

    @Test func explainNeedsOneKnownJob() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }

        let missing = try await fixture.dagrun("explain")
        #expect(missing.status == 2)
        #expect(missing.error.contains("'explain' needs the name of a job"))
        let unknown = try await fixture.dagrun("explain", "bild")
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("Did you mean 'build'?"))
    }
}
