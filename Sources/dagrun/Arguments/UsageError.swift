import Basics

/// A command line that dagrun cannot act on: an unknown command or option, or a bad value.
struct UsageError: UserError {
    var message: String
    var hint: String?

    /// The command whose help the hint points to; nil for the top level.
    static func unknownCommand(_ name: String, among commands: [String]) -> UsageError {
        let suggestion = closestMatch(to: name, among: commands).map { " Did you mean '\($0)'?" } ?? ""
        return UsageError(
            message: "unknown command '\(name)'.\(suggestion)",
            hint: "Run 'dagrun --help' to list the commands."
        )
    }

    static func unknownOption(_ option: String, command: String?, among options: [String]) -> UsageError {
        let suggestion = closestMatch(to: option, among: options).map { " Did you mean '\($0)'?" } ?? ""
        return UsageError(
            message: "unknown option '\(option)'\(command.map { " for '\($0)'" } ?? "").\(suggestion)",
            hint: helpHint(command)
        )
    }

    static func missingValue(_ option: String, command: String?, expected: String) -> UsageError {
        UsageError(message: "option '\(option)' needs a value: \(expected).", hint: helpHint(command))
    }

    static func invalidValue(_ value: String, option: String, command: String?, expected: String) -> UsageError {
        UsageError(message: "invalid value '\(value)' for '\(option)': expected \(expected).", hint: helpHint(command))
    }

    static func unexpectedArgument(_ argument: String, command: String) -> UsageError {
        UsageError(message: "unexpected argument '\(argument)' for '\(command)'.", hint: helpHint(command))
    }

    static func missingArgument(_ name: String, command: String) -> UsageError {
        UsageError(message: "'\(command)' needs \(name).", hint: helpHint(command))
    }

    private static func helpHint(_ command: String?) -> String {
        command.map { "Run 'dagrun \($0) --help' for its usage." } ?? "Run 'dagrun --help' for usage."
    }
}
