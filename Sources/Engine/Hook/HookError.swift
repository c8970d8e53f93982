import Basics

/// A reason `dagrun hook install` or `uninstall` cannot do its work.
public enum HookError: UserError, CustomStringConvertible {
    /// The folder is not inside a git work tree.
    case notInRepository(folder: String, gitMessage: String)
    /// `git` could not be started or failed in an unexpected way.
    case gitFailed(arguments: [String], message: String)
    /// The workflow's folder is not inside the repository's work tree.
    case workflowOutsideRepository(workflow: String, topLevel: String)
    /// A hook that dagrun did not write is in place and the chain name is taken too.
    case chainedHookExists(hook: String, chained: String, command: String)
    /// Reading or writing a hook file failed.
    case fileSystem(SystemError)

    public var message: String {
        switch self {
        case .notInRepository(let folder, let gitMessage):
            "'\(folder)' is not inside a git work tree (git: \(gitMessage))."
        case .gitFailed(let arguments, let message):
            "'git \(arguments.joined(separator: " "))' failed: \(message)"
        case .workflowOutsideRepository(let workflow, let topLevel):
            "the workflow '\(workflow)' is outside the git work tree '\(topLevel)'."
        case .chainedHookExists(let hook, let chained, _):
            "'\(hook)' was not written by dagrun, and '\(chained)' exists too, so dagrun cannot move "
                + "the hook aside to chain it. Nothing was changed."
        case .fileSystem(let error):
            error.description
        }
    }

    public var hint: String? {
        switch self {
        case .notInRepository:
            "Run 'dagrun hook install' with a workflow inside a git repository."
        case .gitFailed:
            "Check that git is installed and on PATH."
        case .workflowOutsideRepository:
            "Pass the workflow with -f from inside the repository."
        case .chainedHookExists(_, _, let command):
            "Add this line to your hook to run dagrun from it: \(command)"
        case .fileSystem:
            nil
        }
    }

    public var exitStatus: Int32 {
        switch self {
        case .chainedHookExists, .fileSystem: 1
        case .notInRepository, .gitFailed, .workflowOutsideRepository: 2
        }
    }

    public var description: String { message }
}
