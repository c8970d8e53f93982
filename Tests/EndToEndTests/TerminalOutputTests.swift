import Foundation
import Testing
import TestSupport

/// Colour and symbols only on a terminal: `script` from util-linux gives dagrun a real pty.
@Suite struct TerminalOutputTests {
    /// Runs `dagrun run` under a pseudo-terminal with `environment` and returns what it printed.
    private func runOnTerminal(environment extra: [String: String], arguments: String = "run") async throws -> String {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }
        var environment = CommandRunner.environment(extra)
        if extra["NO_COLOR"] == nil {
            environment.removeValue(forKey: "NO_COLOR")
        }
        environment["TERM"] = extra["TERM"] ?? "xterm-256color"
        let command = "'\(CommandRunner.dagrunPath)' \(arguments)"
        let result = try await CommandRunner.run("script", ["-qec", command, "/dev/null"], in: workspace.path, environment: environment)
        #expect(result.status == 0, "\(result.output)\(result.error)")
        return result.output
    }

    @Test func terminalGetsColourAndSymbols() async throws {
        let output = try await runOnTerminal(environment: [:])
        #expect(output.contains("\u{1B}["))
        #expect(output.contains("✔"))
    }

    @Test func noColorVariableTurnsStylingOff() async throws {
        let output = try await runOnTerminal(environment: ["NO_COLOR": "1"])
        #expect(!output.contains("\u{1B}["))
        #expect(!output.contains("✔"))
        #expect(output.contains("build: succeeded"))
    }

    @Test func dumbTerminalGetsPlainText() async throws {
        let output = try await runOnTerminal(environment: ["TERM": "dumb"])
        #expect(!output.contains("\u{1B}["))
    }

    @Test func noColorOptionTurnsStylingOff() async throws {
        let output = try await runOnTerminal(environment: [:], arguments: "--no-color run")
        #expect(!output.contains("\u{1B}["))
    }

    @Test func pipeGetsPlainText() async throws {
        let workspace = try Fixtures.copy("seed")
        defer { workspace.remove() }
        var environment = CommandRunner.environment()
        environment.removeValue(forKey: "NO_COLOR")
        environment["TERM"] = "xterm-256color"
        let result = try await CommandRunner.run(CommandRunner.dagrunPath, ["run"], in: workspace.path, environment: environment)
        #expect(!result.output.contains("\u{1B}["))
        #expect(result.output.contains("build: succeeded"))
    }
}
