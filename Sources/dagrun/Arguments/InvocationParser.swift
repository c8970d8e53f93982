import Basics
import Engine

/// Turns `CommandLine.arguments` into an `Invocation`, or a `UsageError` that names the bad token.
enum InvocationParser {
    static let commandNames = ["run", "status", "explain", "watch", "graph", "hook", "cache", "validate", "help"]
    static let globalOptionNames = ["--file", "-f", "--no-color", "--verbose", "-v", "--quiet", "-q", "--cache-dir", "--help", "-h", "--version"]

    /// Parses the arguments after the program name.
    static func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
        var reader = ArgumentReader(arguments)
        var global = Invocation.GlobalOptions()
        var commandName: String?
        var positionals: [String] = []
        var commandOptions: [(name: String, value: String?)] = []
        var helpRequested = false
        var versionRequested = false

        while let token = try reader.next() {
            switch token {
            case .positional(let argument):
                if commandName == nil {
                    guard commandNames.contains(argument) else {
                        throw UsageError.unknownCommand(argument, among: commandNames)
                    }
                    commandName = argument
                    reader.command = argument == "help" ? nil : argument
                } else {
                    positionals.append(argument)
                }
            case .option(let name):
                switch name {
                case "-f", "--file":
                    global.workflowFile = try reader.value(for: name, expected: "the path of a workflow file")
                case "--no-color":
                    global.colorDisabled = true
                case "-v", "--verbose":
                    global.verbosity = .verbose
                case "-q", "--quiet":
                    global.verbosity = .quiet
                case "--cache-dir":
                    global.cacheDirectory = try reader.value(for: name, expected: "a folder for the cache")
                case "-h", "--help":
                    helpRequested = true
                case "--version":
                    versionRequested = true
                default:
                    guard let command = commandName else {
                        if let owner = commandNames.first(where: { Self.commandOptions[$0]?.contains { $0.names.contains(name) } == true }) {
                            throw UsageError(
                                message: "option '\(name)' belongs to a command and must come after it.",
                                hint: "Write it after the command name, as in 'dagrun \(owner) \(name) ...'."
                            )
                        }
                        throw UsageError.unknownOption(name, command: nil, among: globalOptionNames)
                    }
                    let value = try readCommandOption(name, of: command, reader: &reader)
                    commandOptions.append((name, value))
                }
            }
        }

        if versionRequested {
            return Invocation(global: global, command: .version)
        }
        if helpRequested || commandName == nil || commandName == "help" {
            let topic = commandName == "help" ? positionals.first : commandName
            if let topic, !commandNames.contains(topic) {
                throw UsageError.unknownCommand(topic, among: commandNames)
            }
            return Invocation(global: global, command: .help(command: topic))
        }
        let command = try makeCommand(commandName ?? "help", positionals: positionals, options: commandOptions)
        return Invocation(global: global, command: command)
    }

    // MARK: Command options

    /// The options each command takes, with whether each takes a value and what it expects.
    static let commandOptions: [String: [(names: [String], expected: String?)]] = [
        "run": runOptions,
        "watch": runOptions + [(["--debounce"], "a duration such as 100ms or 1s")],
        "status": [(["--json"], nil), (["--exit-code"], nil)],
        "explain": [(["--json"], nil)],
        "graph": [(["--format"], "text, dot or mermaid")],
        "hook": [],
        "cache": [],
        "validate": [],
    ]

    private static let runOptions: [(names: [String], expected: String?)] = [
        (["-j", "--jobs"], "a whole number of parallel jobs"),
        (["-k", "--keep-going"], nil),
        (["--no-cache"], nil),
        (["--dry-run"], nil),
        (["--json"], nil),
        (["--junit"], "the path of the JUnit XML file to write"),
        (["--no-wait"], nil),
    ]

    private static func readCommandOption(
        _ name: String,
        of command: String,
        reader: inout ArgumentReader
    ) throws(UsageError) -> String? {
        let known = commandOptions[command] ?? []
        guard let option = known.first(where: { $0.names.contains(name) }) else {
            throw UsageError.unknownOption(name, command: command, among: known.flatMap(\.names) + globalOptionNames)
        }
        guard let expected = option.expected else { return nil }
        return try reader.value(for: name, expected: expected)
    }

    private static func makeCommand(
        _ name: String,
        positionals: [String],
        options: [(name: String, value: String?)]
    ) throws(UsageError) -> Invocation.Command {
        func flag(_ names: String...) -> Bool {
            options.contains { names.contains($0.name) }
        }
        func value(_ names: String...) -> String? {
            options.last { names.contains($0.name) }?.value
        }
        func noPositionals() throws(UsageError) {
            if let extra = positionals.first {
                throw UsageError.unexpectedArgument(extra, command: name)
            }
        }

        switch name {
        case "run", "watch":
            var run = Invocation.RunOptions()
            run.targets = positionals
            if let jobs = value("-j", "--jobs") {
                guard let count = Int(jobs), (1...1024).contains(count) else {
                    throw UsageError.invalidValue(jobs, option: "--jobs", command: name, expected: "a whole number from 1 to 1024")
                }
                run.parallelJobs = count
            }
            run.keepGoing = flag("-k", "--keep-going")
            run.cacheDisabled = flag("--no-cache")
            run.dryRun = flag("--dry-run")
            run.json = flag("--json")
            run.junitFile = value("--junit")
            run.waitsForLock = !flag("--no-wait")
            guard name == "watch" else { return .run(run) }
            var watch = Invocation.WatchOptions(run: run)
            if let text = value("--debounce") {
                guard let debounce = parseDuration(text) else {
                    throw UsageError.invalidValue(text, option: "--debounce", command: name, expected: "a duration such as 100ms, 1s or 0.5")
                }
                watch.debounce = debounce
            }
            return .watch(watch)
        case "status":
            return .status(Invocation.StatusOptions(targets: positionals, json: flag("--json"), exitCode: flag("--exit-code")))
        case "explain":
            guard let job = positionals.first else {
                throw UsageError.missingArgument("the name of a job", command: name)
            }
            if positionals.count > 1 {
                throw UsageError.unexpectedArgument(positionals[1], command: name)
            }
            return .explain(job: job, json: flag("--json"))
        case "graph":
            try noPositionals()
            let text = value("--format") ?? "text"
            guard let format = Invocation.GraphFormatName(rawValue: text) else {
                throw UsageError.invalidValue(text, option: "--format", command: name, expected: "text, dot or mermaid")
            }
            return .graph(format: format)
        case "hook":
            return try subcommand(of: name, positionals, ["install": .hookInstall, "uninstall": .hookUninstall])
        case "cache":
            return try subcommand(of: name, positionals, ["stats": .cacheStats, "prune": .cachePrune, "clear": .cacheClear])
        case "validate":
            try noPositionals()
            return .validate
        default:
            throw UsageError.unknownCommand(name, among: commandNames)
        }
    }

    private static func subcommand(
        of command: String,
        _ positionals: [String],
        _ choices: [String: Invocation.Command]
    ) throws(UsageError) -> Invocation.Command {
        let names = choices.keys.sorted()
        guard let first = positionals.first else {
            throw UsageError.missingArgument("one of: \(names.joined(separator: ", "))", command: command)
        }
        guard let chosen = choices[first] else {
            let suggestion = closestMatch(to: first, among: names).map { " Did you mean '\($0)'?" } ?? ""
            throw UsageError(
                message: "unknown '\(command)' action '\(first)'.\(suggestion)",
                hint: "Use one of: \(names.joined(separator: ", "))."
            )
        }
        if positionals.count > 1 {
            throw UsageError.unexpectedArgument(positionals[1], command: command)
        }
        return chosen
    }
}
