import Basics
import Engine

/// `dagrun run --dry-run`: prints what a run would do with each job and why, and runs nothing.
///
/// The reasons are those of `dagrun status`. Takes no lock and changes nothing.
enum DryRun {
    static func run(
        _ names: [Job.Name],
        workflow: Workflow,
        workspace: Workspace,
        options: Invocation.RunOptions,
        context: CommandContext
    ) async throws -> Int32 {
        let report = try await StatusCommand.analyze(names, workflow: workflow, workspace: workspace, context: context)
        let statuses = report.statuses
        let cacheDisabled = options.cacheDisabled

        if options.json {
            for status in statuses {
                context.console.line(StatusFormatter.dryRunJSON(status, cacheDisabled: cacheDisabled).text)
            }
            return 0
        }
        let formatter = StatusFormatter(console: context.console)
        var lines = statuses.map { formatter.dryRunLine($0, cacheDisabled: cacheDisabled) }
        lines.append(StatusFormatter.dryRunSummary(statuses, cacheDisabled: cacheDisabled))
        context.console.block(lines)
        return 0
    }
}
