/// Reads a command line one token at a time, in the forms `-j 4`, `-j4`, `--jobs 4` and `--jobs=4`.
///
/// A lone `--` ends the options: every later token is a positional argument.
struct ArgumentReader {
    private var tokens: ArraySlice<String>
    private var optionsEnded = false
    /// The value written as `--name=value`, waiting for `value(for:)`.
    private var attachedValue: String?

    /// The command whose options are being read, for error messages; nil at the top level.
    var command: String?

    init(_ arguments: [String]) {
        tokens = arguments[...]
    }

    /// A token: an option name such as `--jobs` or `-j`, or a positional argument.
    enum Token: Equatable {
        case option(String)
        case positional(String)
    }

    /// Returns the next token, or nil at the end.
    mutating func next() throws(UsageError) -> Token? {
        if let attachedValue {
            throw UsageError(
                message: "unexpected value '\(attachedValue)': that option takes no value.",
                hint: command.map { "Run 'dagrun \($0) --help' for its usage." } ?? "Run 'dagrun --help' for usage."
            )
        }
        guard let token = tokens.popFirst() else { return nil }
        if optionsEnded || token == "-" || !token.hasPrefix("-") {
            return .positional(token)
        }
        if token == "--" {
            optionsEnded = true
            return try next()
        }
        if token.hasPrefix("--") {
            if let equals = token.firstIndex(of: "=") {
                attachedValue = String(token[token.index(after: equals)...])
                return .option(String(token[..<equals]))
            }
            return .option(token)
        }
        // A short option with its value attached, such as -j4 or -fci.yml.
        if token.count > 2 {
            attachedValue = String(token.dropFirst(2))
            return .option(String(token.prefix(2)))
        }
        return .option(token)
    }

    /// Returns the value of `option`: the attached one, or the next token.
    mutating func value(for option: String, expected: String) throws(UsageError) -> String {
        if let attached = attachedValue {
            attachedValue = nil
            return attached
        }
        guard let value = tokens.popFirst() else {
            throw UsageError.missingValue(option, command: command, expected: expected)
        }
        return value
    }

    /// Returns the value of `option` as a whole number within `range`.
    mutating func integer(for option: String, in range: ClosedRange<Int>) throws(UsageError) -> Int {
        let expected = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        let text = try value(for: option, expected: expected)
        guard let number = Int(text), range.contains(number) else {
            throw UsageError.invalidValue(text, option: option, command: command, expected: expected)
        }
        return number
    }

    /// Returns every remaining token as a positional argument, or throws on an option.
    mutating func remainingPositionals(allowedOptions: [String]) throws(UsageError) -> [String] {
        var result: [String] = []
        while let token = try next() {
            switch token {
            case .positional(let argument):
                result.append(argument)
            case .option(let name):
                throw UsageError.unknownOption(name, command: command, among: allowedOptions)
            }
        }
        return result
    }
}
