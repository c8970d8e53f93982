import Foundation
import Testing
import TestSupport
@testable import Engine

@Suite struct HookInstallerTests {
    private static let foreignHook = "#!/bin/sh\necho 'my own checks'\n"

    @Test func installWritesExecutableMarkedHook() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let installer = HookInstaller(hooksDirectory: directory.path + "/hooks")

        #expect(try installer.install(dagrunPath: "/opt/dagrun", workflowPath: "ci/workflow.yml") == .installed)
        let script = try directory.read("hooks/pre-push")
        #expect(PrePushHook.isDagrunHook(script))
        #expect(!PrePushHook.chainsPreviousHook(script))
        #expect(script.hasPrefix("#!/bin/sh\n"))
        #expect(script.contains("dagrun_binary='/opt/dagrun'"))
        #expect(script.contains("workflow_file='ci/workflow.yml'"))
        let mode = try FileManager.default.attributesOfItem(atPath: installer.hookPath)[.posixPermissions] as? Int
        #expect(mode == 0o755)
        #expect(try installer.install(dagrunPath: "/opt/dagrun", workflowPath: "ci/workflow.yml") == .updated)
    }

    @Test func foreignHookIsChainedAndRestored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("hooks/pre-push", Self.foreignHook)
        let installer = HookInstaller(hooksDirectory: directory.path + "/hooks")

        #expect(try installer.install(dagrunPath: "/opt/dagrun", workflowPath: "workflow.yml") == .chained(previous: installer.chainedPath))
        #expect(try directory.read("hooks/pre-push.local") == Self.foreignHook)
        #expect(PrePushHook.chainsPreviousHook(try directory.read("hooks/pre-push")))
        #expect(try installer.install(dagrunPath: "/opt/dagrun", workflowPath: "workflow.yml") == .updated)
        #expect(PrePushHook.chainsPreviousHook(try directory.read("hooks/pre-push")), "an update keeps the chain")

        #expect(try installer.uninstall() == .restored(previous: installer.hookPath))
        #expect(try directory.read("hooks/pre-push") == Self.foreignHook)
        #expect(!directory.exists("hooks/pre-push.local"))
    }

    @Test func takenChainNameStopsInstall() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("hooks/pre-push", Self.foreignHook)
        try directory.write("hooks/pre-push.local", "#!/bin/sh\nexit 0\n")
        let installer = HookInstaller(hooksDirectory: directory.path + "/hooks")

        #expect(throws: HookError.self) {
            try installer.install(dagrunPath: "/opt/dagrun", workflowPath: "workflow.yml")
        }
        do {
            _ = try installer.install(dagrunPath: "/opt/dagrun", workflowPath: "workflow.yml")
        } catch {
            #expect(error.hint == "Add this line to your hook to run dagrun from it: '/opt/dagrun' -f 'workflow.yml' run || exit 1")
            #expect(error.exitStatus == 1)
        }
        #expect(try directory.read("hooks/pre-push") == Self.foreignHook)
        #expect(try directory.read("hooks/pre-push.local") == "#!/bin/sh\nexit 0\n")
    }

    @Test func uninstallLeavesForeignHook() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let installer = HookInstaller(hooksDirectory: directory.path + "/hooks")
        #expect(try installer.uninstall() == .notInstalled)

        try directory.write("hooks/pre-push", Self.foreignHook)
        #expect(try installer.uninstall() == .leftForeignHook)
        #expect(try directory.read("hooks/pre-push") == Self.foreignHook)
    }

    @Test(arguments: [
        ("plain", "'plain'"),
        ("with space", "'with space'"),
        ("it's", "'it'\\''s'"),
        ("$HOME `x`", "'$HOME `x`'"),
    ])
    func shellQuoting(text: String, quoted: String) async throws {
        #expect(PrePushHook.shellQuoted(text) == quoted)
        let echoed = try await CommandRunner.shell("printf '%s' \(quoted)", in: "/")
        #expect(echoed.output == text)
    }
}
