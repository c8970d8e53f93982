import Foundation
import Testing
import TestSupport

/// A three-job workflow in a temporary git repository, for the status, explain and dry-run tests.
///
/// `build` concatenates `src/*.c` into `out/app.txt`, `test` checks that the result mentions
/// `main`, and `package` copies it into `dist/`.
struct StatusFixture {
    static let workflow = """
        jobs:
          - name: build
            runs: |
              mkdir -p out
              cat src/*.c > out/app.txt
            inputs: [src/**]
            artifacts: [out/**]
            env: {MODE: debug}
          - name: test
            needs: [build]
            runs: grep -q main artifacts/build/app.txt
          - name: package
            needs: [test]
            runs: |
              mkdir -p dist
              cp artifacts/build/app.txt dist/app.txt
            artifacts: [dist/**]
        """

    let directory: TemporaryDirectory

    init(_ name: String = #function, workflow: String = StatusFixture.workflow) async throws {
        directory = try TemporaryDirectory(name)
        try directory.write("workflow.yml", workflow)
        try directory.write("src/a.c", "int main(void) { return 0; }\n")
        try directory.write("src/old.c", "int old(void) { return 1; }\n")
        try await git("init", "-q")
        try await git("add", ".")
        try await git("commit", "-q", "-m", "Add the workflow")
    }

    var path: String { directory.path }

    /// Runs git with an identity, so tests pass on a machine without one.
    @discardableResult
    func git(_ arguments: String...) async throws -> CommandResult {
        let identity = ["-c", "user.name=dagrun tests", "-c", "user.email=tests@dagrun.invalid", "-c", "init.defaultBranch=main"]
        let result = try await CommandRunner.run("git", identity + arguments, in: path)
        guard result.status == 0 else {
            throw FixtureError(message: "git \(arguments.joined(separator: " ")) failed: \(result.error)")
        }
        return result
    }

    @discardableResult
    func dagrun(_ arguments: String...) async throws -> CommandResult {
        try await CommandRunner.dagrun(arguments, in: path)
    }

    /// Runs `dagrun run` and throws unless it succeeds.
    func runAll(_ targets: String...) async throws {
        let result = try await CommandRunner.dagrun(["run"] + targets, in: path)
        guard result.status == 0 else {
            throw FixtureError(message: "dagrun run failed: \(result.output)\(result.error)")
        }
    }

    /// Runs `dagrun status --json` and returns each job's state and reason texts.
    func statusJSON(_ targets: String...) async throws -> [String: (state: String, reasons: [String])] {
        let result = try await CommandRunner.dagrun(["status", "--json"] + targets, in: path)
        let document = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let jobs = document?["jobs"] as? [[String: Any]] ?? []
        var states: [String: (state: String, reasons: [String])] = [:]
        for job in jobs {
            let name = job["job"] as? String ?? "?"
            let reasons = (job["reasons"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            states[name] = (job["state"] as? String ?? "?", reasons)
        }
        return states
    }

    /// Runs `dagrun status` and returns its output lines.
    func statusLines(_ targets: String...) async throws -> [String] {
        try await CommandRunner.dagrun(["status"] + targets, in: path).outputLines
    }

    func remove() {
        directory.remove()
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

@Suite struct StatusTests {
    /// One kind of change and the reasons it gives each job.
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var change: @Sendable (StatusFixture) async throws -> Void
        var expected: [String: [String]]
    }

    static let cases: [Case] = [
        Case(
            description: "input modified",
            change: { try $0.directory.write("src/a.c", "int main(void) { return 2; }\n") },
            expected: ["build": ["input src/a.c modified"], "test": ["upstream build is stale"], "package": ["upstream test is stale"]]
        ),
        Case(
            description: "input added",
            change: { try $0.directory.write("src/new.c", "int new(void);\n") },
            expected: ["build": ["input src/new.c added"], "test": ["upstream build is stale"], "package": ["upstream test is stale"]]
        ),
        Case(
            description: "input deleted",
            change: { try FileManager.default.removeItem(atPath: $0.path + "/src/old.c") },
            expected: ["build": ["input src/old.c deleted"], "test": ["upstream build is stale"], "package": ["upstream test is stale"]]
        ),
        Case(
            description: "script changed",
            change: { fixture in
                let edited = StatusFixture.workflow.replacingOccurrences(of: "cat src/*.c > out/app.txt", with: "cat src/*.c >> out/app.txt")
                try fixture.directory.write("workflow.yml", edited)
            },
            expected: ["build": ["script changed"], "test": ["upstream build is stale"], "package": ["upstream test is stale"]]
        ),
        Case(
            description: "env changed",
            change: { fixture in
                let edited = StatusFixture.workflow.replacingOccurrences(of: "MODE: debug", with: "MODE: release")
                try fixture.directory.write("workflow.yml", edited)
            },
            expected: ["build": ["env MODE changed"], "test": ["upstream build is stale"], "package": ["upstream test is stale"]]
        ),
        Case(
            description: "glob patterns changed",
            change: { fixture in
                let edited = StatusFixture.workflow.replacingOccurrences(of: "inputs: [src/**]", with: "inputs: [src/*.c]")
                try fixture.directory.write("workflow.yml", edited)
            },
            expected: ["build": ["glob patterns changed"], "test": ["upstream build is stale"], "package": ["upstream test is stale"]]
        ),
        Case(
            description: "upstream artifacts changed",
            change: { fixture in
                try fixture.directory.write("src/a.c", "int main(void) { return 3; }\n")
                try await fixture.runAll("build")
            },
            expected: [
                "build": [],
                "test": ["upstream build's artifacts changed"],
                "package": ["upstream test is stale", "upstream build's artifacts changed"],
            ]
        ),
        Case(
            description: "artifact missing",
            change: { try FileManager.default.removeItem(atPath: $0.path + "/artifacts/build/app.txt") },
            expected: ["build": ["artifacts/build/app.txt missing (restorable from the cache)"], "test": [], "package": []]
        ),
        Case(
            description: "artifact modified",
            change: { try $0.directory.write("artifacts/package/app.txt", "edited by hand\n") },
            expected: ["build": [], "test": [], "package": ["artifacts/package/app.txt modified (restorable from the cache)"]]
        ),
        Case(
            description: "last run failed",
            change: { fixture in
                try fixture.directory.write("src/a.c", "int start(void) { return 0; }\n")
                _ = try await fixture.dagrun("run")
            },
            expected: [
                "build": [],
                "test": ["upstream build's artifacts changed", "last run failed"],
                "package": ["upstream test is stale", "upstream build's artifacts changed"],
            ]
        ),
    ]

    @Test(arguments: cases)
    func reasonAfterChange(_ testCase: Case) async throws {
        let fixture = try await StatusFixture("status-\(testCase.description)")
        defer { fixture.remove() }
        try await fixture.runAll()
        let before = try await fixture.statusJSON()
        #expect(before.values.allSatisfy { $0.state == "up-to-date" })

        try await testCase.change(fixture)
        let after = try await fixture.statusJSON()
        for (job, reasons) in testCase.expected {
            #expect(after[job]?.reasons == reasons, "job \(job)")
            #expect(after[job]?.state == (reasons.isEmpty ? "up-to-date" : "stale"), "job \(job)")
        }
    }

    @Test func neverRunWorkspace() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }

        let states = try await fixture.statusJSON()
        #expect(states["build"]?.state == "never-run")
        #expect(states["build"]?.reasons == ["never run"])
        #expect(states["test"]?.reasons == ["never run", "upstream build has never run"])
        #expect(!fixture.directory.exists(".dagrun"), "status created .dagrun/")
    }

    @Test func textOutputListsReasonsBelowEachJob() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()
        try fixture.directory.write("src/a.c", "int main(void) { return 4; }\n")

        let lines = try await fixture.statusLines()
        #expect(lines == [
            "build: stale",
            "    input src/a.c modified",
            "test: stale",
            "    upstream build is stale",
            "package: stale",
            "    upstream test is stale",
            "3 jobs: 0 up-to-date, 3 stale, 0 never-run",
        ])
    }

    @Test func namedJobIncludesWhatItNeeds() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()

        let lines = try await fixture.statusLines("test")
        #expect(lines == ["build: up-to-date", "test: up-to-date", "2 jobs: 2 up-to-date, 0 stale, 0 never-run"])
        let unknown = try await fixture.dagrun("status", "tes")
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("no job named 'tes'"))
        #expect(unknown.error.contains("Did you mean 'test'?"))
    }

    @Test func cacheFalseJobIsAlwaysStale() async throws {
        let workflow = StatusFixture.workflow + """

              - name: lint
                runs: "true"
                cache: false
            """
        let fixture = try await StatusFixture(workflow: workflow)
        defer { fixture.remove() }
        try await fixture.runAll()

        let states = try await fixture.statusJSON()
        #expect(states["lint"]?.state == "stale")
        #expect(states["lint"]?.reasons == ["cache: false"])
        #expect(states["build"]?.state == "up-to-date")
    }

    @Test func exitCodeCountsStaleAndNeverRun() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }

        await #expect(try fixture.dagrun("status", "--exit-code").status == 1)
        await #expect(try fixture.dagrun("status").status == 0)
        try await fixture.runAll()
        await #expect(try fixture.dagrun("status", "--exit-code").status == 0)
        try fixture.directory.write("src/a.c", "int main(void) { return 5; }\n")
        await #expect(try fixture.dagrun("status", "--exit-code", "build").status == 1)
    }

    @Test func jsonDocumentHasEveryField() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()
        try fixture.directory.write("src/a.c", "int main(void) { return 6; }\n")

        let result = try await fixture.dagrun("status", "--json")
        #expect(result.outputLines.count == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["job"] as? String } == ["build", "test", "package"])
        let build = jobs[0]
        #expect(build["state"] as? String == "stale")
        #expect(build["action"] as? String == "run")
        #expect((build["cache_key"] as? String)?.count == 64)
        let reason = try #require((build["reasons"] as? [[String: Any]])?.first)
        #expect(reason["kind"] as? String == "input_modified")
        #expect(reason["subject"] as? String == "src/a.c")
        #expect(reason["text"] as? String == "input src/a.c modified")
        #expect(jobs[1]["cache_key"] == nil, "test's key is unknown until build runs")
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["stale"] as? Int == 3)
        #expect(summary["up_to_date"] as? Int == 0)
    }

    @Test func statusChangesNothing() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()
        try FileManager.default.removeItem(atPath: fixture.path + "/artifacts/build/app.txt")
        try fixture.directory.write("src/a.c", "int main(void) { return 7; }\n")
        let snapshot = try await Self.listFiles(in: fixture.path)

        _ = try await fixture.dagrun("status")
        _ = try await fixture.dagrun("status", "--json")
        _ = try await fixture.dagrun("explain", "package")
        _ = try await fixture.dagrun("run", "--dry-run")

        let after = try await Self.listFiles(in: fixture.path)
        #expect(after == snapshot)
        #expect(!fixture.directory.exists("artifacts/build/app.txt"))
    }

    /// Lists each file's path, size, mtime and inode, leaving out git and the hash index, whose
    /// rows status may update.
    static func listFiles(in directory: String) async throws -> String {
        let script = "find . -path ./.git -prune -o -name 'index.db*' -prune -o ! -type d -print0 "
            + "| sort -z | xargs -0 stat -c '%n %s %Y %i'"
        return try await CommandRunner.shell(script, in: directory).output
    }

    @Test func statusWorksWhileTheWorkspaceIsLocked() async throws {
        let fixture = try await StatusFixture()
        defer { fixture.remove() }
        try await fixture.runAll()

        // The test holds the workspace lock itself, as a run in progress would.
        let descriptor = open(fixture.path + "/.dagrun/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0)

        let status = try await CommandRunner.dagrun(["status"], in: fixture.path, timeout: 20)
        #expect(status.status == 0)
        #expect(status.outputLines.last == "3 jobs: 3 up-to-date, 0 stale, 0 never-run")
        let run = try await fixture.dagrun("run", "--no-wait")
        #expect(run.status == 2)
    }
}
