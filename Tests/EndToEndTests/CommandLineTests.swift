import Foundation
import Testing
import TestSupport

/// Usage errors, invalid workflows, help and the workspace lock, through the built binary.
@Suite struct CommandLineTests {
    @Test(arguments: [
        (["rnu"], "dagrun: error: unknown command 'rnu'. Did you mean 'run'?"),
        (["run", "--jbos", "2"], "dagrun: error: unknown option '--jbos' for 'run'. Did you mean '--jobs'?"),
        (["run", "-j", "zero"], "dagrun: error: invalid value 'zero' for '--jobs': expected a whole number from 1 to 1024."),
        (["graph", "--format", "svg"], "dagrun: error: invalid value 'svg' for '--format': expected text, dot or mermaid."),
        (["run", "biuld"], "dagrun: error: no job named 'biuld' in workflow.yml. Did you mean 'build'?"),
        (["-j", "1", "run"], "dagrun: error: option '-j' belongs to a command and must come after it."),
    ])
    func usageErrorsExitTwo(arguments: [String], message: String) async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }

        let result = try await CommandRunner.dagrun(arguments, in: workspace.path)

        #expect(result.status == 2)
        #expect(result.error.split(separator: "\n").first.map(String.init) == message)
        #expect(!workspace.exists("artifacts"))
    }

    @Test func invalidWorkflowNamesLineAndColumn() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("workflow.yml", "jobs:\n  - name: build\n    runs: make\n    nedds: [lint]\n")

        for command in [["validate"], ["run"], ["graph"]] {
            let result = try await CommandRunner.dagrun(command, in: workspace.path)
            #expect(result.status == 2)
            #expect(result.error.hasPrefix("dagrun: error: workflow.yml:4:5: unknown key 'nedds'"), "\(result.error)")
            #expect(result.error.contains("'needs'"))
        }
    }

    @Test func cycleIsPrintedWhole() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("workflow.yml", """
            jobs:
              - {name: build, runs: make, needs: [test]}
              - {name: test, runs: make test, needs: [build]}
            """)

        let result = try await CommandRunner.dagrun(["validate"], in: workspace.path)

        #expect(result.status == 2)
        #expect(result.error.contains("build -> test -> build"))
    }

    @Test func missingWorkflowFileExitsTwo() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }

        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)

        #expect(result.status == 2)
        #expect(result.error.contains("workflow.yml"))
    }

    @Test func validateAndGraphDescribeSeed() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }

        let valid = try await CommandRunner.dagrun(["validate"], in: workspace.path)
        #expect(valid.status == 0)
        #expect(valid.output == "workflow.yml: valid, 3 jobs\n")

        let dot = try await CommandRunner.dagrun(["graph", "--format", "dot"], in: workspace.path)
        #expect(dot.status == 0)
        #expect(dot.output.contains(#""build" -> "test""#))
        #expect(dot.output.contains(#""test" -> "package""#))
    }

    @Test func helpAndVersionExitZero() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }

        let help = try await CommandRunner.dagrun(["--help"], in: workspace.path)
        #expect(help.status == 0)
        #expect(help.output.contains("Usage: dagrun [-f FILE]"))

        let runHelp = try await CommandRunner.dagrun(["run", "--help"], in: workspace.path)
        #expect(runHelp.output.contains("-k, --keep-going"))

        let version = try await CommandRunner.dagrun(["--version"], in: workspace.path)
        #expect(version.output.hasPrefix("dagrun "))
    }

    @Test func noWaitFailsWhileLockIsHeld() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }
        try FileManager.default.createDirectory(atPath: workspace.path + "/.dagrun", withIntermediateDirectories: true)

        // flock(1) holds the lock for two seconds from another process.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [workspace.path + "/.dagrun/lock", "sleep", "2"]
        try holder.run()
        defer { holder.waitUntilExit() }
        try await Task.sleep(for: .milliseconds(300))

        let refused = try await CommandRunner.dagrun(["run", "--no-wait"], in: workspace.path)
        #expect(refused.status == 2)
        #expect(refused.error.contains("the workspace is locked"))

        let waited = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(waited.status == 0)
        #expect(waited.error.contains("dagrun: waiting for"))
    }

    @Test func interruptStopsJobAndItsChildren() async throws {
        let workspace = try TemporaryDirectory()
        defer { workspace.remove() }
        try workspace.write("workflow.yml", """
            jobs:
              - name: slow
                runs: |
                  sleep 60 &
                  echo $! > grandchild.pid
                  wait
            """)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.dagrunPath)
        process.arguments = ["run"]
        process.currentDirectoryURL = URL(fileURLWithPath: workspace.path)
        process.environment = CommandRunner.environment()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        var grandchild: Int32?
        for _ in 0..<100 where grandchild == nil {
            try await Task.sleep(for: .milliseconds(100))
            grandchild = (try? workspace.read("grandchild.pid")).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let pid = try #require(grandchild)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()

        #expect(process.terminationStatus == 130)
        #expect(await waitUntilGone(pid))
    }
}
