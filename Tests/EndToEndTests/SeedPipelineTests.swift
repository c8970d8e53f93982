import Foundation
import Testing
import TestSupport

/// The seed pipeline (build, test, package) run through the built binary, as a user runs it.
@Suite struct SeedPipelineTests {
    @Test func firstRunBuildsTestsAndPackages() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }

        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)

        #expect(result.status == 0, "\(result.error)")
        // Durations vary, so they are replaced before comparing; `ls -l` output is left out.
        let lines = result.outputLines
            .filter { !$0.hasPrefix("package | total") && !$0.hasPrefix("package | -rw") }
            .map { $0.replacingOccurrences(of: #" in [0-9.]+s$"#, with: " in Ns", options: .regularExpression) }
        #expect(lines == [
            "build: started (attempt 1 of 2)",
            "build: succeeded in Ns",
            "build | building",
            "test: started (attempt 1 of 2)",
            "test: succeeded in Ns",
            "test | testing",
            "package: started (attempt 1 of 2)",
            "package: succeeded in Ns",
            "package | packaging",
            "pipeline complete: 3 ran, 0 cached in Ns",
        ])
        #expect(try workspace.read("artifacts/build/app.txt") == "hello\n")
        #expect(workspace.exists("artifacts/package/app.tgz"))
        #expect(workspace.exists(".dagrun/logs/build.log"))
    }

    @Test func secondRunIsThreeCacheHits() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }
        _ = try await CommandRunner.dagrun(["run"], in: workspace.path)

        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)

        #expect(result.status == 0)
        #expect(Array(result.outputLines.prefix(3)) == ["build: cache hit", "test: cache hit", "package: cache hit"])
        #expect(result.outputLines.last?.hasPrefix("pipeline complete: 0 ran, 3 cached") == true)
    }

    @Test func deletedArtifactsComeBackFromCache() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }
        _ = try await CommandRunner.dagrun(["run"], in: workspace.path)
        let packaged = try Data(contentsOf: URL(fileURLWithPath: workspace.path + "/artifacts/package/app.tgz"))
        try FileManager.default.removeItem(atPath: workspace.path + "/artifacts")

        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)

        #expect(result.status == 0)
        #expect(Array(result.outputLines.prefix(3)) == [
            "build: cache hit, 1 artifact restored",
            "test: cache hit",
            "package: cache hit, 1 artifact restored",
        ])
        #expect(try workspace.read("artifacts/build/app.txt") == "hello\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.path + "/artifacts/package/app.tgz")) == packaged)
    }

    @Test func sourceEditRerunsBuildOnly() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }
        _ = try await CommandRunner.dagrun(["run"], in: workspace.path)
        try workspace.write("src/main.c", "int main(void) { return 1; }\n")

        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)

        // build's artifacts are the same bytes, so test and package stay cached (early cutoff).
        #expect(result.status == 0)
        #expect(result.outputLines.contains("build: started (attempt 1 of 2)"))
        #expect(result.outputLines.contains("test: cache hit"))
        #expect(result.outputLines.contains("package: cache hit"))
    }

    @Test func changedBuildArtifactsRerunDownstream() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }
        _ = try await CommandRunner.dagrun(["run"], in: workspace.path)
        let workflow = try workspace.read("workflow.yml")
        try workspace.write("workflow.yml", workflow.replacingOccurrences(of: #"echo "hello""#, with: #"echo "hello, world""#))

        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)

        #expect(result.status == 0)
        #expect(result.outputLines.contains("build: started (attempt 1 of 2)"))
        #expect(result.outputLines.contains("test: started (attempt 1 of 2)"))
        // package reads build's artifacts although it needs only test, so it re-runs too.
        #expect(result.outputLines.contains("package: started (attempt 1 of 2)"))
        let listing = try await CommandRunner.run("tar", ["-xzOf", "artifacts/package/app.tgz"], in: workspace.path)
        #expect(listing.output == "hello, world\n")
    }

    @Test func namedJobRunsWhatItNeeds() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }

        let result = try await CommandRunner.dagrun(["run", "test"], in: workspace.path)

        #expect(result.status == 0)
        #expect(result.outputLines.contains("build: started (attempt 1 of 2)"))
        #expect(result.outputLines.contains("test: started (attempt 1 of 2)"))
        #expect(!result.output.contains("package"))
    }

    @Test func workflowFileOptionRunsFromAnotherFolder() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }
        let elsewhere = try TemporaryDirectory()
        defer { elsewhere.remove() }

        let result = try await CommandRunner.dagrun(["-f", workspace.path + "/workflow.yml", "run"], in: elsewhere.path)

        #expect(result.status == 0, "\(result.error)")
        #expect(workspace.exists("artifacts/build/app.txt"))
        #expect(!elsewhere.exists("artifacts"))
    }
}
