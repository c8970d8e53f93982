import Foundation
import Hashing
import Testing
import TestSupport
@testable import Engine

/// A workspace with a two-job workflow that runs through the real pipeline; the job state tests
/// use it too.
struct AnalyzerFixture {
    static let workflow = """
        jobs:
          - name: build
            runs: |
              mkdir -p out
              cat src/*.txt > out/app.txt
              echo extra > out/notes.txt
            inputs: [src/**]
            artifacts: [out/**]
          - name: test
            needs: [build]
            runs: test -s artifacts/build/app.txt
        """

    let directory: TemporaryDirectory
    let workspace: Workspace

    init(_ name: String = #function) throws {
        directory = try TemporaryDirectory(name)
        workspace = Workspace(root: directory.path)
        try directory.write("workflow.yml", Self.workflow)
        try directory.write("src/a.txt", "alpha\n")
        try directory.write("src/b.txt", "beta\n")
    }

    func loadWorkflow() throws -> Workflow {
        try WorkflowLoader.load(file: directory.path + "/workflow.yml").workflow
    }

    /// Runs every job through the scheduler and the job pipeline, as `dagrun run` does.
    func run() async throws -> RunSummary {
        let workflow = try loadWorkflow()
        try FileManager.default.createDirectory(atPath: workspace.stateDirectory, withIntermediateDirectories: true)
        let index = try HashIndex(path: workspace.indexPath)
        let pipeline = JobPipeline(
            workflow: workflow,
            workspace: workspace,
            index: index,
            executor: JobExecutor(logFolder: workspace.logDirectory, baseEnvironment: CommandRunner.environment()),
            options: JobPipeline.Options(),
            report: { _ in }
        )
        let (summary, _) = await Scheduler(parallelJobs: 2, keepGoing: false)
            .run(JobGraph(workflow).topologicalOrder, of: workflow, processor: pipeline) { _ in }
        return summary
    }

    /// Analyzes every job with a freshly opened index, and returns the report and that index.
    func analyze() throws -> (report: StalenessAnalyzer.Report, index: HashIndex) {
        let workflow = try loadWorkflow()
        let index = try HashIndex(path: workspace.indexPath)
        let analyzer = StalenessAnalyzer(workflow: workflow, workspace: workspace, index: index)
        return (try analyzer.analyze(JobGraph(workflow).topologicalOrder), index)
    }

    func reasons(of job: Job.Name) throws -> [String] {
        try analyze().report.status(of: job)?.reasons.map(\.description) ?? ["not analyzed"]
    }

    func remove() {
        directory.remove()
    }
}

@Suite struct StatusAnalyzerTests {
    @Test func unchangedTreeReadsNoFile() async throws {
        let fixture = try AnalyzerFixture()
        defer { fixture.remove() }
        #expect(try await fixture.run().isSuccess)
        // Old timestamps keep every file out of the racy-clean window, which would re-read it.
        try await CommandRunner.shell("touch -h -d '1 hour ago' src/*.txt artifacts/build/*", in: fixture.directory.path)
        _ = try fixture.analyze()

        let (report, index) = try fixture.analyze()
        #expect(report.statuses.map(\.state) == [.upToDate, .upToDate])
        #expect(index.statistics.filesRead == 0)
        #expect(index.statistics.filesStatted >= 4)
    }

    @Test func artifactAddedToFolder() async throws {
        let fixture = try AnalyzerFixture()
        defer { fixture.remove() }
        #expect(try await fixture.run().isSuccess)
        try fixture.directory.write("artifacts/build/stray.txt", "not collected\n")

        #expect(try fixture.reasons(of: "build") == ["artifacts/build/stray.txt was not collected by the last run"])
        #expect(try fixture.analyze().report.status(of: "build")?.action == .restore)
    }

    @Test func missingBlobIsNotRestorable() async throws {
        let fixture = try AnalyzerFixture()
        defer { fixture.remove() }
        #expect(try await fixture.run().isSuccess)
        try FileManager.default.removeItem(atPath: fixture.directory.path + "/artifacts/build/notes.txt")
        let digest = SHA256.hash(Array("extra\n".utf8))
        let blobs = BlobStore(directory: CacheDirectory(path: fixture.workspace.cacheDirectory))
        try FileManager.default.removeItem(atPath: blobs.path(for: digest))

        let status = try #require(try fixture.analyze().report.status(of: "build"))
        #expect(status.reasons.map(\.description) == ["artifacts/build/notes.txt missing (not in the cache, so the job runs again)"])
        #expect(status.action == .run)
    }

    @Test func clearedCacheMeansNoCachedResult() async throws {
        let fixture = try AnalyzerFixture()
        defer { fixture.remove() }
        #expect(try await fixture.run().isSuccess)
        try FileManager.default.removeItem(atPath: fixture.workspace.cacheDirectory)

        #expect(try fixture.reasons(of: "build") == ["no cached result for this cache key"])
        #expect(try fixture.reasons(of: "test") == ["upstream build is stale"])
    }

    @Test func revertedInputRestoresFromCache() async throws {
        let fixture = try AnalyzerFixture()
        defer { fixture.remove() }
        #expect(try await fixture.run().isSuccess)
        try fixture.directory.write("src/a.txt", "changed\n")
        #expect(try await fixture.run().isSuccess)
        try fixture.directory.write("src/a.txt", "alpha\n")

        let report = try fixture.analyze().report
        let build = try #require(report.status(of: "build"))
        #expect(build.reasons.map(\.description) == ["input src/a.txt modified"])
        #expect(build.action == .restore)
        let test = try #require(report.status(of: "test"))
        #expect(test.reasons.map(\.description) == ["upstream build's artifacts changed"])
        #expect(test.action == .restore, "the first run stored test's result for these artifacts")
    }

    @Test func keyOfUpToDateJobMatchesTheRun() async throws {
        let fixture = try AnalyzerFixture()
        defer { fixture.remove() }
        #expect(try await fixture.run().isSuccess)

        let report = try fixture.analyze().report
        for status in report.statuses {
            #expect(status.state == .upToDate)
            #expect(status.cacheKey == status.lastSuccess?.keyDigest)
            #expect(status.cacheKey == status.components.digest)
            #expect(status.isKeyKnown)
        }
    }

    @Test func reasonKindsAndSubjects() {
        let cases: [(StaleReason, String, String?)] = [
            (.neverRun, "never_run", nil),
            (.upstreamStale("build"), "upstream_stale", "build"),
            (.keyChanged(.inputModified("src/a.c")), "input_modified", "src/a.c"),
            (.keyChanged(.environmentChanged("MODE")), "env_changed", "MODE"),
            (.keyChangedWithoutDetails, "key_changed", nil),
            (.artifactMissing(path: "artifacts/build/app.txt", isRestorable: true), "artifact_missing", "artifacts/build/app.txt"),
        ]
        for (reason, kind, subject) in cases {
            #expect(reason.kind == kind)
            #expect(reason.subject == subject)
        }
    }
}
