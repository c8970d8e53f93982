import Basics

/// Turns job statuses into what `status` and `run --dry-run` print, as text or JSON.
///
/// Text is one line per job with its reasons indented below it, then a summary line. Both
/// commands word the reasons the same way, from `StaleReason.description`.
public struct StatusFormatter: Sendable {
    public let console: Console

    public init(console: Console) {
        self.console = console
    }

    // MARK: status

    /// Builds the lines of `dagrun status`: each job, its reasons, and the counts.
    public func statusLines(_ statuses: [JobStatus]) -> [String] {
        var lines: [String] = []
        for status in statuses {
            lines.append(symbol(for: status.state) + console.style(status.job.rawValue, .bold) + ": " + styledState(status.state))
            lines += status.reasons.map { "    " + $0.description }
            if status.action == .restore {
                lines.append("    a stored result matches the current cache key, so run restores it without running the job")
            }
        }
        lines.append(Self.summary(statuses))
        return lines
    }

    /// Builds the counts line, such as "3 jobs: 1 up-to-date, 1 stale, 1 never-run".
    public static func summary(_ statuses: [JobStatus]) -> String {
        let counts = [JobStatus.State.upToDate, .stale, .neverRun].map { state in
            "\(statuses.filter { $0.state == state }.count) \(state.rawValue)"
        }
        let jobs = statuses.count == 1 ? "1 job" : "\(statuses.count) jobs"
        return jobs + ": " + counts.joined(separator: ", ")
    }

    /// Builds the JSON document of `dagrun status --json`.
    ///
    /// `{"jobs": [{"job", "state", "action", "cache_key", "reasons": [{"kind", "text",
    /// "subject"}]}], "summary": {"up_to_date", "stale", "never_run"}}`; `cache_key` is absent
    /// while an upstream job's artifacts are unknown, and `subject` when the reason names nothing.
    public static func statusJSON(_ statuses: [JobStatus]) -> JSONLine {
        var summary = JSONLine()
        summary.add("up_to_date", statuses.filter { $0.state == .upToDate }.count)
        summary.add("stale", statuses.filter { $0.state == .stale }.count)
        summary.add("never_run", statuses.filter { $0.state == .neverRun }.count)

        var document = JSONLine()
        document.add("jobs", objects: statuses.map(jobJSON))
        document.add("summary", summary)
        return document
    }

    /// Builds the object of one job in `statusJSON`.
    public static func jobJSON(_ status: JobStatus) -> JSONLine {
        var object = JSONLine()
        object.add("job", status.job.rawValue)
        object.add("state", status.state.rawValue)
        object.add("action", status.action.rawValue)
        if status.isKeyKnown {
            object.add("cache_key", status.cacheKey.hex)
        }
        object.add("reasons", objects: status.reasons.map(reasonJSON))
        return object
    }

    static func reasonJSON(_ reason: StaleReason) -> JSONLine {
        var object = JSONLine()
        object.add("kind", reason.kind)
        object.add("text", reason.description)
        if let subject = reason.subject {
            object.add("subject", subject)
        }
        return object
    }

    // MARK: run --dry-run

    /// Builds the line of `run --dry-run` for one job, such as "would run build: input src/a.c modified".
    ///
    /// - Parameter cacheDisabled: true under `--no-cache`, which runs up-to-date jobs too.
    public func dryRunLine(_ status: JobStatus, cacheDisabled: Bool) -> String {
        let name = console.style(status.job.rawValue, .bold)
        let reasons = Self.dryRunReasons(status, cacheDisabled: cacheDisabled)
        switch Self.dryRunAction(status, cacheDisabled: cacheDisabled) {
        case .none:
            return console.symbol(console.style("✔", .green)) + "up to date: " + name
        case .restore:
            return console.symbol(console.style("⚡", .cyan)) + "would restore \(name) from the cache: " + reasons.joined(separator: "; ")
        case .run:
            return console.symbol(console.style("▶", .blue)) + "would run \(name): " + reasons.joined(separator: "; ")
        }
    }

    /// Builds the last line of `run --dry-run`, such as "dry run: 2 would run, 1 would be restored, 0 up to date".
    public static func dryRunSummary(_ statuses: [JobStatus], cacheDisabled: Bool) -> String {
        let actions = statuses.map { dryRunAction($0, cacheDisabled: cacheDisabled) }
        return "dry run: \(actions.filter { $0 == .run }.count) would run, "
            + "\(actions.filter { $0 == .restore }.count) would be restored, "
            + "\(actions.filter { $0 == .none }.count) up to date; nothing was run"
    }

    /// Builds the JSON object of `run --dry-run --json` for one job: `{"event": "would_run" |
    /// "would_restore" | "up_to_date", "job", "reasons": [text]}`.
    public static func dryRunJSON(_ status: JobStatus, cacheDisabled: Bool) -> JSONLine {
        var object = JSONLine()
        let event = switch dryRunAction(status, cacheDisabled: cacheDisabled) {
        case .none: "up_to_date"
        case .restore: "would_restore"
        case .run: "would_run"
        }
        object.add("event", event)
        object.add("job", status.job.rawValue)
        object.add("reasons", dryRunReasons(status, cacheDisabled: cacheDisabled))
        return object
    }

    /// Returns the work `run` would do on the job under the given `--no-cache` setting.
    public static func dryRunAction(_ status: JobStatus, cacheDisabled: Bool) -> JobStatus.Action {
        cacheDisabled ? .run : status.action
    }

    static func dryRunReasons(_ status: JobStatus, cacheDisabled: Bool) -> [String] {
        let reasons = status.reasons.map(\.description)
        return cacheDisabled ? ["--no-cache"] + reasons : reasons
    }

    // MARK: Styling

    private func symbol(for state: JobStatus.State) -> String {
        switch state {
        case .upToDate: console.symbol(console.style("✔", .green))
        case .stale: console.symbol(console.style("●", .yellow))
        case .neverRun: console.symbol(console.style("○", .dim))
        }
    }

    private func styledState(_ state: JobStatus.State) -> String {
        switch state {
        case .upToDate: console.style(state.rawValue, .green)
        case .stale: console.style(state.rawValue, .yellow)
        case .neverRun: console.style(state.rawValue, .dim)
        }
    }
}
