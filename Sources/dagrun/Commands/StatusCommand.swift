import Basics
import Engine
import Foundation
import Hashing

/// `dagrun status`: prints each job as up-to-date, stale or never-run, with its reasons.
///
/// Runs nothing, takes no workspace lock and changes no artifact, so it works during a run.
/// Exit status: 0, or 1 with `--exit-code` when a listed job is stale or has never run.
enum StatusCommand {
    static func run(_ options: Invocation.StatusOptions, context: CommandContext) async throws -> Int32 {
        let workflow = try context.loadWorkflow()
        let targets = try context.jobNames(options.targets, in: workflow, command: "status")
        let graph = JobGraph(workflow)
        let names = targets.isEmpty ? graph.topologicalOrder : graph.closure(of: targets)
        let report = try await analyze(names, workflow: workflow, workspace: context.workspace(for: workflow), context: context)

        if options.json {
            context.console.line(StatusFormatter.statusJSON(report.statuses).text)
        } else {
            context.console.block(StatusFormatter(console: context.console).statusLines(report.statuses))
        }
        let allUpToDate = report.statuses.allSatisfy { $0.state == .upToDate }
        return options.exitCode && !allUpToDate ? 1 : 0
    }

    /// Analyzes `names` on a Dispatch thread and prints the analysis warnings.
    ///
    /// Shared by `status`, `explain` and `run --dry-run`. A workspace without `.dagrun/` gets an
    /// index in memory, so these commands create nothing there.
    static func analyze(
        _ names: [Job.Name],
        workflow: Workflow,
        workspace: Workspace,
        context: CommandContext
    ) async throws -> StalenessAnalyzer.Report {
        let report = try await offload {
            let hasState = FileManager.default.fileExists(atPath: workspace.stateDirectory)
            let index = try HashIndex(path: hasState ? workspace.indexPath : ":memory:")
            for warning in index.takeWarnings() {
                context.console.warning(warning)
            }
            let report = try StalenessAnalyzer(workflow: workflow, workspace: workspace, index: index).analyze(names)
            for warning in index.takeWarnings() {
                context.console.warning(warning)
            }
            return report
        }
        for warning in report.warnings {
            context.console.warning(warning)
        }
        return report
    }
}
