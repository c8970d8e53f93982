import Basics

/// A parsed command line: the global options and one command with its own options.
struct Invocation {
    /// Options that apply to every command; they may come before or after the command name.
    struct GlobalOptions {
        var workflowFile = "workflow.yml"
        var colorDisabled = false
        var verbosity: Console.Verbosity = .normal
        /// From `--cache-dir`; the `DAGRUN_CACHE_DIR` environment variable is read later.
        var cacheDirectory: String?
    }

    struct RunOptions {
        var targets: [String] = []
        /// nil means the number of CPUs.
        var parallelJobs: Int?
        var keepGoing = false
        var cacheDisabled = false
        var dryRun = false
        var json = false
        var junitFile: String?
        var waitsForLock = true
    }

    struct StatusOptions {
        var targets: [String] = []
        var json = false
        var exitCode = false
    }

    struct WatchOptions {
        var run = RunOptions()
        var debounce: Duration = .milliseconds(100)
    }

    enum GraphFormatName: String, CaseIterable {
        case text, dot, mermaid
    }

    enum Command {
        case run(RunOptions)
        case status(StatusOptions)
        case explain(job: String, json: Bool)
        case watch(WatchOptions)
        case graph(format: GraphFormatName)
        case hookInstall
        case hookUninstall
        case cacheStats
        case cachePrune
        case cacheClear
        case validate
        /// Prints the help of the named command, or the overview for nil.
        case help(command: String?)
        case version
    }

    var global = GlobalOptions()
    var command: Command
}
