import Basics

/// An invalid or unreadable workflow file: what is wrong, where, and how to fix it.
public struct WorkflowError: UserError, Equatable {
    public var message: String
    /// The place of the offending value; nil when the problem is the file as a whole.
    public var location: SourceLocation?
    public var hint: String?

    public init(message: String, location: SourceLocation?, hint: String?) {
        self.message = message
        self.location = location
        self.hint = hint
    }
}

/// A warning about a workflow that still loads, with the place it refers to.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation?
    public var message: String

    public init(location: SourceLocation?, message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`, or the message alone without a location.
    public var description: String {
        location.map { "\($0): \(message)" } ?? message
    }
}

// MARK: Messages

extension WorkflowError {
    static func unknownKey(_ key: String, at location: SourceLocation, validKeys: [String], context: String) -> WorkflowError {
        let hint: String
        if let nearest = closestMatch(to: key, among: validKeys) {
            hint = "Did you mean '\(nearest)'?"
        } else {
            hint = "Valid keys are " + validKeys.map { "'\($0)'" }.joined(separator: ", ") + "."
        }
        return WorkflowError(message: "unknown key '\(key)' \(context)", location: location, hint: hint)
    }

    static func wrongType(_ key: String, expected: String, found node: YAMLNode, file: String, hint: String) -> WorkflowError {
        WorkflowError(
            message: "'\(key)' must be \(expected), found \(node.summary)",
            location: node.location(in: file),
            hint: hint
        )
    }

    static func duplicateKey(_ key: String, at location: SourceLocation, firstLine: Int) -> WorkflowError {
        WorkflowError(
            message: "duplicate key '\(key)', first written on line \(firstLine)",
            location: location,
            hint: "Keep one of the two entries."
        )
    }

    static func missingKey(_ key: String, job: String?, at location: SourceLocation, hint: String) -> WorkflowError {
        let owner = job.map { "job '\($0)'" } ?? "a job"
        return WorkflowError(message: "\(owner) is missing '\(key)'", location: location, hint: hint)
    }

    static func invalidJobName(_ name: String, at location: SourceLocation) -> WorkflowError {
        WorkflowError(
            message: "invalid job name '\(name)'",
            location: location,
            hint: "Use letters, digits, '-', '_' and '.', with at least one character that is not '.'."
        )
    }

    static func duplicateJob(_ name: Job.Name, at location: SourceLocation, firstLine: Int) -> WorkflowError {
        WorkflowError(
            message: "duplicate job name '\(name)', first used on line \(firstLine)",
            location: location,
            hint: "Rename one of the two jobs; job names must be unique."
        )
    }

    static func unknownNeed(_ name: String, job: Job.Name, at location: SourceLocation, jobNames: [String]) -> WorkflowError {
        let hint = closestMatch(to: name, among: jobNames).map { "Did you mean '\($0)'?" }
            ?? "List the name of a job in this workflow."
        return WorkflowError(
            message: "job '\(job)' needs '\(name)', but no job has that name",
            location: location,
            hint: hint
        )
    }

    static func cycle(_ names: [Job.Name], at location: SourceLocation?) -> WorkflowError {
        let path = (names + names.prefix(1)).map(\.rawValue).joined(separator: " -> ")
        let hint = if names.count == 1 {
            "A job cannot need itself. Remove '\(names[0])' from its 'needs'."
        } else {
            "Each job in the cycle needs the next one. Remove one of these 'needs' entries."
        }
        return WorkflowError(message: "dependency cycle: \(path)", location: location, hint: hint)
    }

    static func invalidDuration(_ key: String, found node: YAMLNode, file: String) -> WorkflowError {
        wrongType(
            key,
            expected: "a duration",
            found: node,
            file: file,
            hint: "Write seconds ('90') or a number with a unit: '500ms', '10s', '5m', '1h'."
        )
    }

    static func noJobs(in file: String, at location: SourceLocation?) -> WorkflowError {
        WorkflowError(
            message: "the workflow has no jobs",
            location: location,
            hint: "Add a 'jobs' list with at least one job that has a 'name' and a 'runs' script."
        )
    }
}
