import Basics
import Engine

/// Runs one parsed command and returns the process exit status.
enum CommandDispatcher {
    static func run(_ command: Invocation.Command, context: CommandContext) async -> Int32 {
        do {
            switch command {
            case .help(let topic):
                context.console.line(topic.flatMap(HelpText.help(for:)) ?? HelpText.overview)
                return 0
            case .version:
                context.console.line("dagrun \(HelpText.version)")
                return 0
            case .validate:
                return try ValidateCommand.run(context: context)
            case .graph(let format):
                return try GraphCommand.run(format: format, context: context)
            case .run(let options):
                return try await RunCommand.run(options, context: context)
            case .status(let options):
                return try await StatusCommand.run(options, context: context)
            case .explain(let job, let json):
                return try await ExplainCommand.run(job: job, json: json, context: context)
            case .watch(let options):
                return try await WatchCommand.run(options, context: context)
            case .hookInstall:
                return try await HookCommand.install(context: context)
            case .hookUninstall:
                return try await HookCommand.uninstall(context: context)
            case .cacheStats, .cachePrune, .cacheClear:
                return try CacheCommand.run(command, context: context)
            }
        } catch {
            return context.report(error)
        }
    }
}
