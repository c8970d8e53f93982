/// The text of `dagrun --help` and of `dagrun COMMAND --help`.
enum HelpText {
    static let version = "0.1.0"

    static let overview = """
        dagrun \(version): run a workflow.yml of shell jobs as a DAG, incrementally.

        Usage: dagrun [-f FILE] [--no-color] [-v|-q] [--cache-dir DIR] COMMAND [ARGS]

        Commands:
          run [JOB...]        Run all jobs, or the named jobs and the jobs they need.
          status [JOB...]     Show each job as up-to-date, stale or never-run, with the reasons.
          explain JOB         Show the job's cache key inputs and what changed since its last run.
          watch [JOB...]      Run, then re-run the affected jobs after every change until interrupted.
          graph               Print the DAG as text, DOT or Mermaid.
          hook install|uninstall
                              Install or remove the git pre-push hook that runs the workflow
                              (only stale jobs run) and blocks a push when a job fails.
          cache stats|prune|clear
                              Show the cache's size, remove unreferenced blobs, or empty it.
          validate            Check the workflow file and exit.
          help [COMMAND]      Show this text, or the help of one command.

        Global options:
          -f, --file FILE     The workflow file (default: workflow.yml in the current folder).
                              Jobs run in the folder that holds it, the workspace root.
          --no-color          Print no colour and no symbols (also when NO_COLOR is set).
          -v, --verbose       Print each job's output lines as they arrive, and why each job runs.
          -q, --quiet         Print only errors and failed jobs.
          --cache-dir DIR     Keep the cache in DIR instead of .dagrun/cache (or set DAGRUN_CACHE_DIR).
          -h, --help          Show help.
          --version           Print the version.

        Exit status: 0 success; 1 a job failed, or status --exit-code found a stale job;
        2 invalid usage or an invalid workflow; 130 interrupted.
        """

    /// Returns the help of one command, or nil for a name that is not a command.
    static func help(for command: String) -> String? {
        switch command {
        case "run": return run
        case "watch": return watch
        case "status": return status
        case "explain": return explain
        case "graph": return graph
        case "hook": return hook
        case "cache": return cache
        case "validate": return validate
        case "help": return overview
        default: return nil
        }
    }

    private static let runOptions = """
          -j, --jobs N        Run at most N jobs at once (default: the number of CPUs).
          -k, --keep-going    After a failure, keep running the jobs that do not depend on it.
          --no-cache          Run every job even when cached; results are still recorded.
          --dry-run           Print which jobs would run and why, and run nothing.
          --json              Print one JSON object per event on standard output.
          --junit FILE        Write a JUnit XML report of the jobs to FILE.
          --no-wait           Exit with status 2 at once if another dagrun holds the workspace lock.
        """

    static let run = """
        Usage: dagrun run [OPTIONS] [JOB...]

        Runs the named jobs and every job they need, or all jobs, in dependency order and in
        parallel. A job whose script, declared environment, input files and upstream artifacts
        are unchanged is a cache hit: it does not run, and its artifacts are restored into
        artifacts/JOB/. Each job's full output is kept in .dagrun/logs/JOB.log.

        Options:
        \(runOptions)
        """

    static let watch = """
        Usage: dagrun watch [OPTIONS] [JOB...]

        Runs like 'dagrun run', then watches the folders that the jobs' inputs name and, after
        every change, re-runs the jobs whose inputs changed and the jobs downstream of them.
        Stops on Ctrl-C (exit status 130).

        Options:
        \(runOptions)
          --debounce DURATION Wait until files have been quiet this long before a run
                              (default: 100ms; units ms, s, m, or plain seconds).
        """

    static let status = """
        Usage: dagrun status [OPTIONS] [JOB...]

        Shows each job (or the named jobs and what they need) as up-to-date, stale or never-run,
        with each reason. Runs nothing and changes no artifact.

        Options:
          --json              Print one JSON document instead of text.
          --exit-code         Exit with status 1 when a listed job is stale or has never run.
        """

    static let explain = """
        Usage: dagrun explain [--json] JOB

        Shows what JOB's cache key is made of (script, shell, environment, glob patterns, each
        input file's digest, each upstream job's artifact digest) and what changed since the
        job's last successful run.
        """

    static let graph = """
        Usage: dagrun graph [--format text|dot|mermaid]

        Prints the workflow's DAG. 'dot' is Graphviz input ('dagrun graph --format dot | dot -Tsvg');
        'mermaid' can be pasted into Markdown that renders Mermaid.
        """

    static let hook = """
        Usage: dagrun hook install|uninstall

        'install' writes a git pre-push hook that runs 'dagrun run' for this workflow and blocks
        the push when a job fails; jobs whose cache key is unchanged are cache hits, so only the
        stale ones run. The jobs see the working tree as it is, uncommitted changes included, so
        commit or stash first to check exactly what you push. The hook honours core.hooksPath and
        never overwrites a hook that dagrun did not write: an existing hook is moved to
        pre-push.local and keeps running first. 'uninstall' removes only what 'install' added.
        """

    static let cache = """
        Usage: dagrun cache stats|prune|clear

        'stats' prints the number of cached results and blobs and their size; 'prune' removes
        blobs that no cached result refers to; 'clear' removes the whole cache. Artifacts already
        in artifacts/ are left alone.
        """

    static let validate = """
        Usage: dagrun validate

        Checks the workflow file (syntax, keys, types, job names, needs, cycles, globs and
        durations) and exits: 0 when it is valid, 2 with the first error otherwise.
        """
}
