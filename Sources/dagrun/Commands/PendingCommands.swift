import Engine

// TODO: watch is being built; this entry keeps the executable compiling until it lands,
// and says so instead of pretending to work.
enum WatchCommand {
    static func run(_ options: Invocation.WatchOptions, context: CommandContext) async throws -> Int32 {
        throw UsageError(message: "'watch' is not available in this build.", hint: nil)
    }
}
