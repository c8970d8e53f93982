/// A place in a file that a user wrote: 1-based line and column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form compilers and editors understand.
    public var description: String { "\(file):\(line):\(column)" }
}

/// An error the user can fix: it carries the message dagrun prints and the exit status it causes.
///
/// Every module's user-facing errors conform, so the command line prints them one way:
/// `dagrun: error: <location>: <message>`, then the hint on its own line.
public protocol UserError: Error, Sendable {
    /// The problem, naming the offending value.
    var message: String { get }
    /// The offending value's place in a file, when it comes from one.
    var location: SourceLocation? { get }
    /// The fix, as a full sentence, or nil when the message already contains it.
    var hint: String? { get }
    /// The process exit status: 2 for invalid usage or input, 1 for a failed job.
    var exitStatus: Int32 { get }
}

extension UserError {
    public var location: SourceLocation? { nil }
    public var hint: String? { nil }
    public var exitStatus: Int32 { 2 }
}
