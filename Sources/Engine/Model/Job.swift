import Basics

/// One job of a workflow: a shell script with its dependencies, inputs, artifacts and retry policy.
public struct Job: Sendable, Hashable {
    /// A job's name: letters, digits, `-`, `_` and `.`, unique within its workflow.
    public struct Name: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String

        public init(_ rawValue: String) {
            self.rawValue = rawValue
        }

        public init(stringLiteral value: String) {
            self.rawValue = value
        }

        public var description: String { rawValue }

        public static func < (lhs: Name, rhs: Name) -> Bool {
            lhs.rawValue < rhs.rawValue
        }
    }

    public var name: Name
    /// The script text, run by `shell` with the script as the last argument.
    public var script: String
    /// The jobs that must succeed before this one starts, in the order written, without duplicates.
    public var needs: [Name]
    /// Glob patterns, in order, whose matching files' contents are part of the cache key.
    public var inputs: [String]
    /// Glob patterns, in order, whose matches are collected into `artifacts/<name>/`.
    public var artifacts: [String]
    /// Extra attempts after a failed one; 0 means a single attempt.
    public var retries: Int
    public var backoff: Backoff
    /// The limit on each attempt's wall-clock time; nil means no limit.
    public var timeout: Duration?
    /// The job's own `env`, applied over the workflow's.
    public var env: [String: String]
    /// False when the workflow sets `cache: false`, so the job runs every time.
    public var cacheEnabled: Bool
    /// The start of the job's entry in the workflow file.
    public var location: SourceLocation?

    public init(
        name: Name,
        script: String,
        needs: [Name] = [],
        inputs: [String] = [],
        artifacts: [String] = [],
        retries: Int = 0,
        backoff: Backoff = Backoff(),
        timeout: Duration? = nil,
        env: [String: String] = [:],
        cacheEnabled: Bool = true,
        location: SourceLocation? = nil
    ) {
        self.name = name
        self.script = script
        self.needs = needs
        self.inputs = inputs
        self.artifacts = artifacts
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.env = env
        self.cacheEnabled = cacheEnabled
        self.location = location
    }

    /// The command line every attempt runs, with the script appended as its last argument.
    ///
    /// It is part of the cache key, so changing it invalidates every cached result.
    public static let shell: [String] = ["bash", "-e", "-o", "pipefail", "-c"]
}

/// The delays before retries: `initial`, then multiplied by `factor` each time, capped at `maximum`.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var factor: Double
    public var maximum: Duration

    public init(initial: Duration = .seconds(1), factor: Double = 2, maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.factor = factor
        self.maximum = maximum
    }
}
