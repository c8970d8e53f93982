import Foundation
import Testing
import TestSupport

/// A git repository with a workflow in `ci/`, a bare remote beside it, and helpers to push.
///
/// The `check` job fails when `ci/red` exists, so a commit turns the pipeline red or green.
private struct HookFixture {
    static let workflow = """
        jobs:
          - name: check
            runs: test ! -e red
            inputs: ["**"]
        """

    let directory: TemporaryDirectory
    var repository: String { directory.path + "/repo" }
    var remote: String { directory.path + "/remote.git" }

    init(_ name: String = #function) async throws {
        directory = try TemporaryDirectory(name)
        try directory.write("repo/ci/workflow.yml", Self.workflow)
        try directory.write("repo/src/main.c", "int main(void) { return 0; }\n")
        try directory.write("repo/.gitignore", "artifacts/\n.dagrun/\n")
        try await git(["init", "-q", "--bare", remote], in: directory.path)
        try await git(["init", "-q"], in: repository)
        try await git(["add", "."], in: repository)
        try await git(["commit", "-q", "-m", "Add the workflow"], in: repository)
        try await git(["remote", "add", "origin", remote], in: repository)
    }

    /// Runs git with an identity, so tests pass on a machine without one.
    @discardableResult
    func git(_ arguments: [String], in folder: String, allowFailure: Bool = false) async throws -> CommandResult {
        let identity = ["-c", "user.name=dagrun tests", "-c", "user.email=tests@dagrun.invalid", "-c", "init.defaultBranch=main"]
        let result = try await CommandRunner.run("git", identity + arguments, in: folder)
        if result.status != 0, !allowFailure {
            throw FixtureError(message: "git \(arguments.joined(separator: " ")) failed: \(result.error)")
        }
        return result
    }

    func dagrun(_ arguments: String..., in folder: String? = nil) async throws -> CommandResult {
        try await CommandRunner.dagrun(arguments, in: folder ?? repository)
    }

    func push(_ branch: String, from folder: String? = nil) async throws -> CommandResult {
        try await git(["push", "origin", "HEAD:refs/heads/\(branch)"], in: folder ?? repository, allowFailure: true)
    }

    /// Returns whether the remote has `branch`.
    func remoteHas(_ branch: String) async throws -> Bool {
        try await git(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)"], in: remote, allowFailure: true).status == 0
    }

    func commitRed(in folder: String? = nil) async throws {
        let folder = folder ?? repository
        try "red\n".write(toFile: folder + "/ci/red", atomically: false, encoding: .utf8)
        try await git(["add", "ci/red"], in: folder)
        try await git(["commit", "-q", "-m", "Turn the pipeline red"], in: folder)
    }

    func remove() {
        directory.remove()
    }
}

@Suite struct HookTests {
    @Test func greenPushPassesRedPushFails() async throws {
        let fixture = try await HookFixture()
        defer { fixture.remove() }
        let install = try await fixture.dagrun("-f", "ci/workflow.yml", "hook", "install")
        #expect(install.status == 0)
        #expect(install.output.contains("installed the pre-push hook"))

        let green = try await fixture.push("green")
        #expect(green.status == 0, "\(green.error)")
        await #expect(try fixture.remoteHas("green"))
        #expect((green.output + green.error).contains("check: started"))

        try await fixture.commitRed()
        let red = try await fixture.push("red")
        #expect(red.status != 0)
        await #expect(try !fixture.remoteHas("red"))
        #expect(red.error.contains("the pipeline failed (exit status 1), so the push is blocked"))
    }

    @Test func hookWorksFromSubfolder() async throws {
        let fixture = try await HookFixture()
        defer { fixture.remove() }
        await #expect(try fixture.dagrun("hook", "install", in: fixture.repository + "/ci").status == 0)

        try await fixture.commitRed()
        let red = try await fixture.push("red", from: fixture.repository + "/src")
        #expect(red.status != 0)
        await #expect(try !fixture.remoteHas("red"))
        #expect(FileManager.default.fileExists(atPath: fixture.repository + "/ci/.dagrun"), "the hook ran the workflow in ci/")
    }

    @Test func hookWorksInLinkedWorktree() async throws {
        let fixture = try await HookFixture()
        defer { fixture.remove() }
        let worktree = fixture.directory.path + "/worktree"
        try await fixture.git(["worktree", "add", "-q", "-b", "feature", worktree], in: fixture.repository)
        await #expect(try fixture.dagrun("-f", "ci/workflow.yml", "hook", "install", in: worktree).status == 0)
        #expect(FileManager.default.fileExists(atPath: fixture.repository + "/.git/hooks/pre-push"), "worktrees share the hooks folder")

        let green = try await fixture.push("feature", from: worktree + "/src")
        #expect(green.status == 0, "\(green.error)")
        #expect(FileManager.default.fileExists(atPath: worktree + "/ci/.dagrun"), "the hook ran in the worktree")

        try await fixture.commitRed(in: worktree)
        let red = try await fixture.push("feature-red", from: worktree)
        #expect(red.status != 0)
        await #expect(try !fixture.remoteHas("feature-red"))
    }

    @Test func installHonoursHooksPath() async throws {
        let fixture = try await HookFixture()
        defer { fixture.remove() }
        try await fixture.git(["config", "core.hooksPath", ".githooks"], in: fixture.repository)

        await #expect(try fixture.dagrun("-f", "ci/workflow.yml", "hook", "install").status == 0)
        #expect(FileManager.default.fileExists(atPath: fixture.repository + "/.githooks/pre-push"))
        #expect(!FileManager.default.fileExists(atPath: fixture.repository + "/.git/hooks/pre-push"))
        try await fixture.commitRed()
        await #expect(try fixture.push("red").status != 0)
        await #expect(try !fixture.remoteHas("red"))
    }

    @Test func foreignHookRunsAndSurvivesUninstall() async throws {
        let fixture = try await HookFixture()
        defer { fixture.remove() }
        let hookPath = fixture.repository + "/.git/hooks/pre-push"
        let foreign = "#!/bin/sh\necho \"$1 $2\" > \"$(git rev-parse --show-toplevel)/../foreign-ran\"\ncat >> \"$(git rev-parse --show-toplevel)/../foreign-ran\"\n"
        try foreign.write(toFile: hookPath, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hookPath)

        let install = try await fixture.dagrun("-f", "ci/workflow.yml", "hook", "install")
        #expect(install.status == 0)
        #expect(install.output.contains("moved the existing pre-push hook"))
        let green = try await fixture.push("green")
        #expect(green.status == 0, "\(green.error)")
        let ran = try fixture.directory.read("foreign-ran")
        #expect(ran.hasPrefix("origin \(fixture.remote)\n"), "the foreign hook got git's arguments")
        #expect(ran.contains(" refs/heads/green "), "the foreign hook got the refs on standard input")
        #expect((green.output + green.error).contains("check: started"), "dagrun ran after the foreign hook")

        let uninstall = try await fixture.dagrun("-f", "ci/workflow.yml", "hook", "uninstall")
        #expect(uninstall.status == 0)
        #expect(try String(contentsOfFile: hookPath, encoding: .utf8) == foreign)
        #expect(!FileManager.default.fileExists(atPath: hookPath + ".local"))
        let again = try await fixture.dagrun("-f", "ci/workflow.yml", "hook", "uninstall")
        #expect(again.output.contains("was not written by dagrun; left it in place"))
        #expect(try String(contentsOfFile: hookPath, encoding: .utf8) == foreign)
    }

    @Test func failingForeignHookBlocksPush() async throws {
        let fixture = try await HookFixture()
        defer { fixture.remove() }
        let hookPath = fixture.repository + "/.git/hooks/pre-push"
        try "#!/bin/sh\necho 'foreign check failed' >&2\nexit 3\n".write(toFile: hookPath, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hookPath)
        await #expect(try fixture.dagrun("-f", "ci/workflow.yml", "hook", "install").status == 0)

        let push = try await fixture.push("blocked")
        #expect(push.status != 0)
        #expect(push.error.contains("foreign check failed"))
        #expect(!(push.output + push.error).contains("check: started"), "dagrun does not run after a failed chained hook")
        await #expect(try !fixture.remoteHas("blocked"))
    }

    @Test func installOutsideRepositoryFails() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("workflow.yml", HookFixture.workflow)

        let result = try await CommandRunner.dagrun(["hook", "install"], in: directory.path)
        #expect(result.status == 2)
        #expect(result.error.contains("is not inside a git work tree"))
        #expect(!directory.exists(".git"))
    }
}
