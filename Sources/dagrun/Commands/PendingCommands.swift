import Engine

// TODO: status, explain, hook and --dry-run are being built; these entries keep the
// executable compiling until they land, and each says so instead of pretending to work.
enum StatusCommand {
    static func run(_ options: Invocation.StatusOptions, context: CommandContext) async throws -> Int32 {
        throw UsageError(message: "'status' is not available in this build.", hint: nil)
    }
}

enum ExplainCommand {
    static func run(job: String, json: Bool, context: CommandContext) async throws -> Int32 {
        throw UsageError(message: "'explain' is not available in this build.", hint: nil)
    }
}

enum HookCommand {
    static func install(context: CommandContext) throws -> Int32 {
        throw UsageError(message: "'hook' is not available in this build.", hint: nil)
    }

    static func uninstall(context: CommandContext) throws -> Int32 {
        throw UsageError(message: "'hook' is not available in this build.", hint: nil)
    }
}

enum DryRun {
    static func run(_ names: [Job.Name], workflow: Workflow, workspace: Workspace, json: Bool, context: CommandContext) throws -> Int32 {
        throw UsageError(message: "'run --dry-run' is not available in this build.", hint: nil)
    }
}
