import Foundation
import Testing
import TestSupport

/// What re-runs after each kind of change, checked through the built binary.
@Suite struct CacheMatrixTests {
    /// `gen` writes an artifact from its input; `use` needs it; `always` has `cache: false`.
    static let workflow = """
        env:
          GREETING: hello
        jobs:
          - name: gen
            runs: |
              mkdir -p out
              cat src/*.txt > out/all.txt
            inputs: [src/**]
            artifacts: [out/**]
          - name: use
            needs: [gen]
            runs: cat artifacts/gen/all.txt > /dev/null; echo "$GREETING"
          - name: always
            runs: echo again
            cache: false
        """

    private func prepared() async throws -> TemporaryDirectory {
        let workspace = try TemporaryDirectory()
        try workspace.write("workflow.yml", Self.workflow)
        try workspace.write("src/a.txt", "a\n")
        try workspace.write("src/b.txt", "b\n")
        let first = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(first.status == 0, "\(first.output)\(first.error)")
        return workspace
    }

    /// Returns the jobs that started in a run, in output order.
    private func started(_ result: CommandResult) -> [String] {
        result.outputLines.compactMap { line in
            line.hasSuffix(": started") || line.contains(": started (") ? String(line.prefix { $0 != ":" }) : nil
        }
    }

    @Test func noChangeRunsOnlyUncachedJob() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(started(result) == ["always"])
    }

    @Test func inputContentEditRerunsChain() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        try workspace.write("src/a.txt", "changed\n")
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(Set(started(result)) == ["gen", "use", "always"])
    }

    @Test func touchWithoutChangeRerunsNothing() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        try await CommandRunner.shell("sleep 0.01; touch src/a.txt; cp src/b.txt src/b.tmp; mv src/b.tmp src/b.txt", in: workspace.path)
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(started(result) == ["always"])
    }

    @Test func scriptEditRerunsJob() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        let edited = Self.workflow.replacingOccurrences(of: #"echo "$GREETING""#, with: #"echo "$GREETING!""#)
        try workspace.write("workflow.yml", edited)
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(Set(started(result)) == ["use", "always"])
    }

    @Test func workflowEnvEditRerunsEveryJob() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        try workspace.write("workflow.yml", Self.workflow.replacingOccurrences(of: "GREETING: hello", with: "GREETING: hi"))
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(Set(started(result)) == ["gen", "use", "always"])
    }

    @Test func callerEnvironmentIsNotInKey() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path, environment: ["UNRELATED_VARIABLE": "1"])
        #expect(started(result) == ["always"])
    }

    @Test func upstreamRerunWithSameArtifactsKeepsDownstreamCached() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        // A new input file whose content adds nothing to the concatenation.
        try workspace.write("src/empty.txt", "")
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(Set(started(result)) == ["gen", "always"])
        #expect(result.outputLines.contains("use: cache hit"))
    }

    @Test func addedAndDeletedInputsRerunJob() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        try FileManager.default.removeItem(atPath: workspace.path + "/src/b.txt")
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(Set(started(result)) == ["gen", "use", "always"])
    }

    @Test func executableBitChangeRerunsJob() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        try await CommandRunner.shell("chmod +x src/a.txt", in: workspace.path)
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(started(result).contains("gen"))
    }

    @Test func noCacheRunsEverythingAndStillRecords() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        let forced = try await CommandRunner.dagrun(["run", "--no-cache"], in: workspace.path)
        #expect(Set(started(forced)) == ["gen", "use", "always"])
        let after = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(started(after) == ["always"])
    }

    @Test func revertedEditIsCacheHit() async throws {
        let workspace = try await prepared()
        defer { workspace.remove() }
        try workspace.write("src/a.txt", "changed\n")
        _ = try await CommandRunner.dagrun(["run"], in: workspace.path)
        try workspace.write("src/a.txt", "a\n")
        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(result.outputLines.contains("gen: cache hit, 1 artifact restored"))
        #expect(try workspace.read("artifacts/gen/all.txt") == "a\nb\n")
    }

    @Test func inputEditedDuringRunKeepsJobStale() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        // The job plays a user who saves a file while the job runs.
        try workspace.write("workflow.yml", """
            jobs:
              - name: edits
                runs: |
                  cat src/a.txt > /dev/null
                  echo "saved during the run" >> src/a.txt
                inputs: [src/**]
            """)
        try workspace.write("src/a.txt", "a\n")

        let first = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(first.status == 0)
        #expect(first.error.contains("inputs changed while the job ran (input src/a.txt modified)"))

        let second = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(started(second) == ["edits"])
    }
}

