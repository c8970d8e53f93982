import Basics
import Engine
import Foundation

/// The console, global options and environment that every command uses.
struct CommandContext: Sendable {
    let console: Console
    let workflowFile: String
    let cacheDirectoryOption: String?
    let environment: [String: String]

    init(global: Invocation.GlobalOptions, environment: [String: String]) {
        self.console = Console.standard(
            verbosity: global.verbosity,
            colorDisabled: global.colorDisabled,
            environment: environment
        )
        self.workflowFile = global.workflowFile
        self.cacheDirectoryOption = global.cacheDirectory
        self.environment = environment
    }

    /// Loads and validates the workflow file, printing its warnings.
    func loadWorkflow() throws -> Workflow {
        let (workflow, warnings) = try WorkflowLoader.load(file: workflowFile)
        for warning in warnings {
            console.warning(warning.location.map { "\($0): \(warning.message)" } ?? warning.message)
        }
        return workflow
    }

    /// Returns the workspace of `workflow`, with the cache folder from `--cache-dir` or `DAGRUN_CACHE_DIR`.
    func workspace(for workflow: Workflow) -> Workspace {
        let cacheDirectory = CacheDirectory(
            root: workflow.root,
            option: cacheDirectoryOption,
            environment: environment
        )
        return Workspace(root: workflow.root, cacheDirectory: cacheDirectory.path)
    }

    /// Resolves job names given on the command line, or throws with the nearest valid name.
    func jobNames(_ arguments: [String], in workflow: Workflow, command: String) throws -> [Job.Name] {
        let known = workflow.jobs.map(\.name.rawValue)
        return try arguments.map { argument in
            guard known.contains(argument) else {
                let suggestion = closestMatch(to: argument, among: known).map { " Did you mean '\($0)'?" } ?? ""
                throw UsageError(
                    message: "no job named '\(argument)' in \(workflowFile).\(suggestion)",
                    hint: "Run 'dagrun graph' to list the jobs."
                )
            }
            return Job.Name(argument)
        }
    }

    /// Prints `error` the way every command does and returns the exit status it maps to.
    func report(_ error: any Error) -> Int32 {
        switch error {
        case let error as any UserError:
            let prefix = error.location.map { "\($0): " } ?? ""
            console.error(prefix + error.message)
            if let hint = error.hint {
                console.line("  " + hint, to: .error)
            }
            return error.exitStatus
        case let error as SystemError:
            console.error(error.description)
            return 2
        default:
            console.error(String(describing: error))
            return 2
        }
    }
}
