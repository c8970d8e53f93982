import Basics
import Engine

/// Prints what each watch cycle found before the run's own output: the changed files, the jobs
/// they trigger, and why.
///
/// A trigger reads `src/a.c -> build (inputs src/**) -> test, package`: the changed paths, the
/// job whose input pattern matched them, and the watched jobs downstream of it, which run too
/// unless the cache stops them. With `--json`, each cycle is one `watch-cycle` object instead.
/// Thread-safe, because the console serializes writes.
struct CycleReporter: Sendable {
    let console: Console
    let isJSON: Bool

    /// How many paths a line names before it counts the rest.
    static let pathsPerLine = 3

    /// Prints the plan's triggers, marking those whose content check found no change.
    ///
    /// - Parameters:
    ///   - changed: the triggered jobs whose cache key changed.
    ///   - transientPaths: paths created and gone again within the batch (an editor's temporary
    ///     file renamed over the original), left out of the listing unless a trigger has no other.
    func report(_ plan: CyclePlan, changed: Set<Job.Name>, in watched: WatchedWorkflow, transientPaths: Set<String> = []) {
        if isJSON {
            console.line(json(for: plan, changed: changed, in: watched).text)
            return
        }
        guard console.verbosity > .quiet else {
            return
        }
        var lines: [String] = []
        for trigger in plan.triggers {
            let name = Job.Name(trigger.job)
            let allPaths = trigger.matches.map(\.path)
            let lasting = allPaths.filter { !transientPaths.contains($0) }
            let paths = Self.list(lasting.isEmpty ? allPaths : lasting)
            let job = console.style(trigger.job, .bold) + " (inputs \(Self.patterns(of: trigger)))"
            if changed.contains(name) {
                let downstream = watched.downstream(of: [name]).filter { $0 != name }.map(\.rawValue)
                lines.append(downstream.isEmpty ? "\(paths) -> \(job)" : "\(paths) -> \(job) -> " + downstream.joined(separator: ", "))
            } else {
                lines.append("\(paths) -> \(job): no content changed")
            }
        }
        for name in plan.ownWritesIgnored {
            lines.append("\(name): ignored its own writes to its inputs, after one re-run for them")
        }
        if console.verbosity == .verbose, !plan.unmatchedPaths.isEmpty {
            lines.append("\(Self.list(plan.unmatchedPaths)): no watched job's inputs match")
        }
        if !plan.triggers.isEmpty, changed.isEmpty {
            lines.append("no content changed, so nothing runs")
        }
        console.block(lines.map(prefixed))
    }

    /// Prints a one-line notice, such as a reload or the wait for the next change.
    func notice(_ message: String) {
        if isJSON {
            var object = JSONLine()
            object.add("event", "watch-notice")
            object.add("message", message)
            console.line(object.text)
        } else if console.verbosity > .quiet {
            console.line(prefixed(message))
        }
    }

    private func prefixed(_ line: String) -> String {
        console.symbol(console.style("↻", .cyan)) + console.style("watch:", .cyan) + " " + line
    }

    private func json(for plan: CyclePlan, changed: Set<Job.Name>, in watched: WatchedWorkflow) -> JSONLine {
        var object = JSONLine()
        object.add("event", "watch-cycle")
        var triggers: [JSONLine] = []
        for trigger in plan.triggers {
            let name = Job.Name(trigger.job)
            var entry = JSONLine()
            entry.add("job", trigger.job)
            entry.add("patterns", Self.uniquePatterns(of: trigger))
            entry.add("paths", trigger.matches.map(\.path))
            entry.add("contentChanged", changed.contains(name))
            entry.add("downstream", watched.downstream(of: [name]).filter { $0 != name }.map(\.rawValue))
            triggers.append(entry)
        }
        object.add("triggers", objects: triggers)
        object.add("unmatchedPaths", plan.unmatchedPaths)
        object.add("ownWritesIgnored", plan.ownWritesIgnored.map(\.rawValue))
        return object
    }

    /// Returns the first paths joined by `, `, and how many more there are.
    static func list(_ paths: [String]) -> String {
        let shown = paths.prefix(pathsPerLine).joined(separator: ", ")
        let rest = paths.count - min(paths.count, pathsPerLine)
        return rest == 0 ? shown : "\(shown) and \(rest) more"
    }

    private static func patterns(of trigger: ChangeMapper.Trigger) -> String {
        uniquePatterns(of: trigger).joined(separator: ", ")
    }

    private static func uniquePatterns(of trigger: ChangeMapper.Trigger) -> [String] {
        var patterns: [String] = []
        for match in trigger.matches where !patterns.contains(match.pattern) {
            patterns.append(match.pattern)
        }
        return patterns
    }
}
