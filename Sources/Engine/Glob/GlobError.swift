import Basics

/// An invalid glob pattern: the pattern as written, what is wrong with it, and how to fix it.
///
/// The matcher has no record of where a pattern came from, so `location` starts as nil. The
/// workflow loader sets it to the place of the pattern in the workflow file.
public struct GlobError: UserError, Equatable {
    /// The pattern as written, including a leading `!`.
    public var pattern: String
    /// The problem with the pattern, such as "'[' has no closing ']'".
    public var problem: String
    public var hint: String?
    public var location: SourceLocation?

    public init(pattern: String, problem: String, hint: String?, location: SourceLocation? = nil) {
        self.pattern = pattern
        self.problem = problem
        self.hint = hint
        self.location = location
    }

    public var message: String {
        "invalid glob '\(pattern)': \(problem)"
    }
}

extension GlobError {
    static func empty(_ pattern: String, isBlank: Bool) -> GlobError {
        let problem = isBlank ? "the pattern is blank" : "the pattern is empty"
        return GlobError(
            pattern: pattern,
            problem: problem,
            hint: "Remove the entry, or write a pattern such as 'src/**'."
        )
    }

    static func absolute(_ pattern: String) -> GlobError {
        GlobError(
            pattern: pattern,
            problem: "an absolute path is outside the workspace",
            hint: "Write the path relative to the workspace root, the folder that holds the workflow file."
        )
    }

    static func leavesWorkspace(_ pattern: String) -> GlobError {
        GlobError(
            pattern: pattern,
            problem: "'..' leads outside the workspace",
            hint: "Globs can only name files inside the workspace root, so move the files into it."
        )
    }

    static func parentSegment(_ pattern: String) -> GlobError {
        GlobError(
            pattern: pattern,
            problem: "'..' is not allowed inside a glob",
            hint: "Write the path without '..', as it is seen from the workspace root."
        )
    }

    static func unclosed(_ pattern: String, opening: Character, closing: Character) -> GlobError {
        GlobError(
            pattern: pattern,
            problem: "'\(opening)' has no closing '\(closing)'",
            hint: "Add the closing '\(closing)', or write '\\\(opening)' for a literal '\(opening)'."
        )
    }

    static func trailingEscape(_ pattern: String) -> GlobError {
        GlobError(
            pattern: pattern,
            problem: "the pattern ends with a lone '\\'",
            hint: "Remove the '\\', or write '\\\\' for a literal backslash."
        )
    }

    static func reversedRange(_ pattern: String, lower: Unicode.Scalar, upper: Unicode.Scalar) -> GlobError {
        GlobError(
            pattern: pattern,
            problem: "the range '\(lower)-\(upper)' is reversed",
            hint: "Write the lower character first: '\(upper)-\(lower)'."
        )
    }

    static func tooManyAlternatives(_ pattern: String, limit: Int) -> GlobError {
        GlobError(
            pattern: pattern,
            problem: "its '{...}' groups expand to more than \(limit) alternatives",
            hint: "Split it into several patterns, or use '*' where any name will do."
        )
    }

    static func reservedFolder(_ pattern: String, folder: String) -> GlobError {
        GlobError(
            pattern: pattern,
            problem: "files under '\(folder)/' at the workspace root never match",
            hint: "Those folders belong to git and dagrun. Have the job write to another folder, "
                + "such as 'out/', and list that one."
        )
    }
}
