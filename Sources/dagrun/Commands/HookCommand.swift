import Basics
import Engine
import Foundation

/// `dagrun hook install|uninstall`: the git pre-push hook that runs the workflow before a push.
///
/// The hooks folder comes from git (`core.hooksPath`, linked worktrees), asked in the folder of
/// the workflow file. The hook runs the binary that installed it, falling back to `dagrun` on
/// `PATH`, with the workflow's path relative to the top of the work tree, so it works in every
/// worktree that shares the hooks folder.
enum HookCommand {
    static func install(context: CommandContext) async throws -> Int32 {
        let workflow = try context.loadWorkflow()
        let repository = try await GitRepository.locate(from: workflow.root, environment: context.environment)
        let workflowPath = try relativeWorkflowPath(of: workflow, topLevel: repository.topLevel)
        let installer = HookInstaller(hooksDirectory: repository.hooksDirectory)

        let command = "dagrun -f \(workflowPath) run"
        switch try installer.install(dagrunPath: executablePath(), workflowPath: workflowPath) {
        case .installed:
            context.console.line("installed the pre-push hook \(installer.hookPath): each push runs '\(command)' and is blocked when a job fails")
        case .updated:
            context.console.line("updated the pre-push hook \(installer.hookPath): each push runs '\(command)' and is blocked when a job fails")
        case .chained(let previous):
            context.console.line(
                "moved the existing pre-push hook to \(previous) and installed dagrun's in its place: "
                    + "each push runs that hook, then '\(command)'"
            )
        }
        return 0
    }

    static func uninstall(context: CommandContext) async throws -> Int32 {
        let folder = URL(fileURLWithPath: context.workflowFile).deletingLastPathComponent().path
        let repository = try await GitRepository.locate(from: folder, environment: context.environment)
        let installer = HookInstaller(hooksDirectory: repository.hooksDirectory)

        switch try installer.uninstall() {
        case .removed:
            context.console.line("removed the pre-push hook \(installer.hookPath)")
        case .restored(let previous):
            context.console.line("removed dagrun's pre-push hook and moved the previous hook back to \(previous)")
        case .notInstalled:
            context.console.line("no pre-push hook is installed in \(installer.hooksDirectory); nothing to remove")
        case .leftForeignHook:
            context.console.line("the pre-push hook \(installer.hookPath) was not written by dagrun; left it in place")
        }
        return 0
    }

    /// Returns the workflow file's path relative to the top of the work tree.
    private static func relativeWorkflowPath(of workflow: Workflow, topLevel: String) throws -> String {
        let root = URL(fileURLWithPath: workflow.root).resolvingSymlinksInPath().path
        let top = URL(fileURLWithPath: topLevel).resolvingSymlinksInPath().path
        let fileName = URL(fileURLWithPath: workflow.file).lastPathComponent
        if root == top {
            return fileName
        }
        guard root.hasPrefix(top + "/") else {
            throw HookError.workflowOutsideRepository(workflow: workflow.file, topLevel: topLevel)
        }
        return String(root.dropFirst(top.count + 1)) + "/" + fileName
    }

    /// The absolute path of the running dagrun binary, which the hook runs.
    private static func executablePath() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return path
        }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "dagrun").standardizedFileURL.path
    }
}
