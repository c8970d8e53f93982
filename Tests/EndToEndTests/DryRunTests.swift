import Foundation
import Testing
import TestSupport

@Suite struct DryRunTests {
    @Test func reportsStatusReasonsAndRunsNothing() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()
        try fixture.directory.write("src/a.c", "int main(void) { return 11; }\n")
        let snapshot = try await StatusTests.listFiles(in: fixture.path)

        let result = try await fixture.dagrun("run", "--dry-run")
        #expect(result.status == 0)
        #expect(result.outputLines == [
            "would run build: input src/a.c modified",
            "would run test: upstream build is stale",
            "would run package: upstream test is stale",
            "dry run: 3 would run, 0 would be restored, 0 up to date; nothing was run",
        ])
        await #expect(try StatusTests.listFiles(in: fixture.path) == snapshot)
    }

    @Test func sameReasonsAsStatus() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()
        try fixture.directory.write("src/new.c", "int new(void);\n")
        try FileManager.default.removeItem(atPath: fixture.path + "/artifacts/package/app.txt")

        let status = try await fixture.statusJSON()
        let result = try await fixture.dagrun("run", "--dry-run", "--json")
        let events = try result.outputLines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(events.map { $0["job"] as? String } == ["build", "test", "package"])
        for event in events {
            let job = try #require(event["job"] as? String)
            #expect(event["reasons"] as? [String] == status[job]?.reasons, "job \(job)")
            #expect(event["event"] as? String == "would_run")
        }
    }

    @Test func restoreAndUpToDateLines() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()
        try FileManager.default.removeItem(atPath: fixture.path + "/artifacts/build/app.txt")

        let lines = try await fixture.dagrun("run", "--dry-run").outputLines
        #expect(lines == [
            "would restore build from the cache: artifacts/build/app.txt missing (restorable from the cache)",
            "up to date: test",
            "up to date: package",
            "dry run: 0 would run, 1 would be restored, 2 up to date; nothing was run",
        ])
        let noCache = try await fixture.dagrun("run", "--dry-run", "--no-cache", "test").outputLines
        #expect(noCache.first == "would run build: --no-cache; artifacts/build/app.txt missing (restorable from the cache)")
        #expect(noCache.dropFirst().first == "would run test: --no-cache")
        #expect(noCache.count == 3)
    }
}
