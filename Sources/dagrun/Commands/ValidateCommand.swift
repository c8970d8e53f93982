import Engine

/// `dagrun validate`: loads the workflow, which checks it, and prints a one-line verdict.
enum ValidateCommand {
    static func run(context: CommandContext) throws -> Int32 {
        let workflow = try context.loadWorkflow()
        let count = workflow.jobs.count
        context.console.line("\(context.workflowFile): valid, \(count) job\(count == 1 ? "" : "s")")
        return 0
    }
}
