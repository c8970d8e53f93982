import Basics
import Engine

/// `dagrun explain JOB`: prints the components of the job's cache key and what changed since
/// its last successful run. Takes no lock and changes nothing.
enum ExplainCommand {
    static func run(job: String, json: Bool, context: CommandContext) async throws -> Int32 {
        let workflow = try context.loadWorkflow()
        let target = try context.jobNames([job], in: workflow, command: "explain")
        let names = JobGraph(workflow).closure(of: target)
        let report = try await StatusCommand.analyze(names, workflow: workflow, workspace: context.workspace(for: workflow), context: context)
        guard let name = target.first, let status = report.status(of: name) else {
            return 2
        }

        let explanation = KeyExplanation(status: status)
        if json {
            context.console.line(explanation.json().text)
        } else {
            context.console.block(explanation.lines())
        }
        return 0
    }
}
