/// Maps the paths of a batch to the jobs whose `inputs` match them.
///
/// The mapper has no view of the DAG: it returns the jobs a change triggers directly, and the
/// caller adds their downstream dependents. A path that no job's inputs match triggers nothing.
public struct ChangeMapper: Sendable {
    /// One job's input globs and the matcher built from them.
    public struct Rule: Sendable {
        public var job: String
        /// The job's `inputs` patterns, in the order written.
        public var patterns: [String]
        /// Returns the pattern that decides that a path is an input, or nil when it is not one.
        public var decidingPattern: @Sendable (String) -> String?

        public init(job: String, patterns: [String], decidingPattern: @escaping @Sendable (String) -> String?) {
            self.job = job
            self.patterns = patterns
            self.decidingPattern = decidingPattern
        }

        /// Creates a rule from a matcher that returns only whether a path matches, attributing each match to the
        /// last positive pattern whose literal prefix contains the path.
        ///
        /// NOTE: the attribution is a guess for messages: with `src/**/*.c` and `src/**/*.h`, a
        /// match is attributed to `src/**/*.h` whatever its extension.
        public init(job: String, patterns: [String], matches: @escaping @Sendable (String) -> Bool) {
            self.init(job: job, patterns: patterns) { path in
                guard matches(path) else {
                    return nil
                }
                let containing = patterns.last { pattern in
                    guard let prefix = WatchScope.literalPrefix(of: pattern) else {
                        return false
                    }
                    return WatchScope.isPath(path, atOrBelow: prefix)
                }
                return containing ?? patterns.last { !$0.hasPrefix("!") } ?? ""
            }
        }
    }

    /// A path that triggers a job, and the pattern that matched it.
    public struct Match: Hashable, Sendable {
        public var path: String
        public var pattern: String

        public init(path: String, pattern: String) {
            self.path = path
            self.pattern = pattern
        }
    }

    /// A job triggered by a batch, with every changed path that matched its inputs, sorted by path.
    public struct Trigger: Hashable, Sendable {
        public var job: String
        public var matches: [Match]

        public init(job: String, matches: [Match]) {
            self.job = job
            self.matches = matches
        }
    }

    public let rules: [Rule]

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// Creates a mapper from each job's name, input matcher and input patterns.
    public init(jobs: [(job: String, matches: @Sendable (String) -> Bool, patterns: [String])]) {
        self.init(rules: jobs.map { Rule(job: $0.job, patterns: $0.patterns, matches: $0.matches) })
    }

    /// Returns the watch scope that covers every job's inputs.
    public func scope(ignoring ignoredPaths: [String] = []) -> WatchScope {
        WatchScope(inputPatterns: rules.flatMap(\.patterns), ignoredPaths: ignoredPaths)
    }

    /// Returns the jobs that `paths` trigger directly, in the order of the rules.
    public func triggers(for paths: [String]) -> [Trigger] {
        let sortedPaths = paths.sorted()
        var triggers: [Trigger] = []
        for rule in rules {
            var matches: [Match] = []
            for path in sortedPaths {
                if let pattern = rule.decidingPattern(path) {
                    matches.append(Match(path: path, pattern: pattern))
                }
            }
            if !matches.isEmpty {
                triggers.append(Trigger(job: rule.job, matches: matches))
            }
        }
        return triggers
    }

    /// Returns the jobs that the paths of `batch` trigger directly, in the order of the rules.
    ///
    /// A batch that needs a rescan triggers only what its paths match here; the caller re-hashes
    /// every job's inputs to find the rest.
    public func triggers(for batch: ChangeBatch) -> [Trigger] {
        triggers(for: batch.paths)
    }
}
