import Basics

/// Settings under `defaults:` that apply to every job that does not set its own.
///
/// The keys are `retries`, `backoff`, `timeout` and `cache`. A job's `backoff` replaces only the
/// fields it writes. Environment defaults belong in the top-level `env`.
struct JobDefaults {
    static let keys = ["retries", "backoff", "timeout", "cache"]

    var retries = 0
    var backoff = Backoff()
    var timeout: Duration?
    var cacheEnabled = true
}

/// A decoded job with the places that checks across jobs need.
struct DecodedJob {
    var job: Job
    /// The location of the name: the `name` value, or the key in a mapping of jobs.
    var nameLocation: SourceLocation
    /// The location of each entry of `job.needs`, in the same order.
    var needsLocations: [SourceLocation]
}

extension WorkflowDecoder {
    static let jobKeys = [
        "name", "runs", "needs", "inputs", "artifacts", "retries", "backoff", "timeout", "env", "cache",
    ]
    static let backoffKeys = ["initial", "factor", "max"]

    /// Decodes one job.
    ///
    /// - Parameters:
    ///   - node: The job's mapping.
    ///   - key: The job's key in a mapping of jobs; nil in a list of jobs, where `name` is required.
    mutating func decodeJob(_ node: YAMLNode, key: YAMLNode?, defaults: JobDefaults) throws(WorkflowError) -> DecodedJob {
        let start = (key ?? node).location(in: file)
        if key != nil, node.isNull {
            throw WorkflowError.missingKey("runs", job: key?.scalar, at: start, hint: Self.runsHint)
        }
        let entries = try entries(
            of: node,
            named: "jobs",
            expected: "a mapping with 'name' and 'runs' for each job",
            hint: Self.jobHint
        )
        let value = { (name: String) in entries.first { $0.key == name }?.value }

        let nameNode = try jobNameNode(key: key, nameValue: value("name"), start: start)
        let name = try string(nameNode, key: "name")
        try rejectUnknownKeys(entries, validKeys: Self.jobKeys, context: "in job '\(name)'")
        guard Self.isValidJobName(name) else {
            throw WorkflowError.invalidJobName(name, at: nameNode.location(in: file))
        }

        guard let runsNode = value("runs") else {
            throw WorkflowError.missingKey("runs", job: name, at: start, hint: Self.runsHint)
        }
        let script = try string(runsNode, key: "runs", expected: "a script")
        guard !script.allSatisfy(\.isWhitespace) else {
            throw WorkflowError.wrongType("runs", expected: "a script", found: runsNode, file: file, hint: Self.runsHint)
        }

        var job = Job(name: Job.Name(name), script: script, location: start)
        var needsLocations: [SourceLocation] = []
        if let needsNode = value("needs") {
            (job.needs, needsLocations) = try needs(needsNode, job: name)
        }
        let inputs = try globs(value("inputs"), key: "inputs", purpose: .inputs)
        let artifacts = try globs(value("artifacts"), key: "artifacts", purpose: .artifacts)
        job.inputs = inputs.map(\.pattern.text)
        job.artifacts = artifacts.map(\.pattern.text)
        warnAboutOverlap(job: name, inputs: inputs, artifacts: artifacts)

        job.retries = try value("retries").map { (node) throws(WorkflowError) in try wholeNumber(node, key: "retries") }
            ?? defaults.retries
        job.backoff = try value("backoff").map { (node) throws(WorkflowError) in try backoff(node, over: defaults.backoff) }
            ?? defaults.backoff
        job.timeout = try value("timeout").map { (node) throws(WorkflowError) in try timeout(node) } ?? defaults.timeout
        job.env = try value("env").map { (node) throws(WorkflowError) in try environment(node) } ?? [:]
        job.cacheEnabled = try value("cache").map { (node) throws(WorkflowError) in try boolean(node, key: "cache") }
            ?? defaults.cacheEnabled
        return DecodedJob(job: job, nameLocation: nameNode.location(in: file), needsLocations: needsLocations)
    }

    /// Returns `true` for a name of letters, digits, `-`, `_` and `.` that is not only dots, so it
    /// is safe as a folder name under `artifacts/`.
    static func isValidJobName(_ name: String) -> Bool {
        let isAllowed = { (character: Character) in
            character.isASCII && (character.isLetter || character.isNumber || "-_.".contains(character))
        }
        return !name.isEmpty && name.allSatisfy(isAllowed) && !name.allSatisfy { $0 == "." }
    }

    static let jobHint = "Write each job as a mapping, such as '- {name: build, runs: make}'."
    private static let runsHint = "Add 'runs:' with the shell script the job runs, such as 'runs: make'."

    // MARK: Keys

    private func jobNameNode(key: YAMLNode?, nameValue: YAMLNode?, start: SourceLocation) throws(WorkflowError) -> YAMLNode {
        guard let key else {
            guard let nameValue else {
                throw WorkflowError.missingKey(
                    "name",
                    job: nil,
                    at: start,
                    hint: "Add 'name:' with a unique name, such as 'name: build'."
                )
            }
            return nameValue
        }
        if let nameValue, nameValue.scalar != key.scalar {
            throw WorkflowError(
                message: "job '\(key.scalar ?? "")' has a different 'name', \(nameValue.summary)",
                location: nameValue.location(in: file),
                hint: "In a mapping of jobs the key is the job's name. Remove 'name' or make it match."
            )
        }
        return key
    }

    private mutating func needs(_ node: YAMLNode, job: String) throws(WorkflowError) -> ([Job.Name], [SourceLocation]) {
        var names: [Job.Name] = []
        var locations: [SourceLocation] = []
        for (text, item) in try stringList(node, key: "needs") {
            let name = Job.Name(text)
            guard !names.contains(name) else {
                warnings.append(Diagnostic(
                    location: item.location(in: file),
                    message: "job '\(job)' lists '\(text)' in 'needs' more than once"
                ))
                continue
            }
            names.append(name)
            locations.append(item.location(in: file))
        }
        return (names, locations)
    }

    /// Compiles each pattern on its own, so an error points at the pattern that is wrong.
    private func globs(
        _ node: YAMLNode?,
        key: String,
        purpose: GlobSet.Purpose
    ) throws(WorkflowError) -> [(pattern: GlobPattern, location: SourceLocation)] {
        guard let node else {
            return []
        }
        var patterns: [(pattern: GlobPattern, location: SourceLocation)] = []
        for (text, item) in try stringList(node, key: key) {
            do {
                patterns.append((try GlobPattern(text), item.location(in: file)))
            } catch {
                throw WorkflowError(message: error.message, location: item.location(in: file), hint: error.hint)
            }
        }
        return patterns
    }

    /// Decodes a `timeout`: a duration greater than 0, or null for no limit.
    func timeout(_ node: YAMLNode) throws(WorkflowError) -> Duration? {
        if node.isNull {
            return nil
        }
        let duration = try duration(node, key: "timeout")
        guard duration > .zero else {
            throw WorkflowError.wrongType(
                "timeout",
                expected: "a duration greater than 0",
                found: node,
                file: file,
                hint: "Remove 'timeout' to let the job run without a limit."
            )
        }
        return duration
    }

    func backoff(_ node: YAMLNode, over base: Backoff) throws(WorkflowError) -> Backoff {
        var backoff = base
        let entries = try entries(
            of: node,
            named: "backoff",
            expected: "a mapping with 'initial', 'factor' and 'max'",
            hint: "Write it as a mapping, such as 'backoff: {initial: 1s, factor: 2, max: 1m}'."
        )
        try rejectUnknownKeys(entries, validKeys: Self.backoffKeys, context: "in 'backoff'")
        for entry in entries {
            switch entry.key {
            case "initial":
                backoff.initial = try duration(entry.value, key: "initial")
            case "max":
                backoff.maximum = try duration(entry.value, key: "max")
            default:
                let factor = entry.value.scalar.flatMap { Double($0) }
                guard let factor, factor.isFinite, factor >= 1 else {
                    throw WorkflowError.wrongType(
                        "factor",
                        expected: "a number >= 1",
                        found: entry.value,
                        file: file,
                        hint: "Write a number such as '2'. A factor of 1 keeps the same delay before every retry."
                    )
                }
                backoff.factor = factor
            }
        }
        return backoff
    }

    // MARK: Warnings

    /// Warns when an `artifacts` pattern starts in a folder where the job's own `inputs` can match,
    /// or the other way round: in watch mode the job's writes then trigger it once more.
    private mutating func warnAboutOverlap(
        job: String,
        inputs: [(pattern: GlobPattern, location: SourceLocation)],
        artifacts: [(pattern: GlobPattern, location: SourceLocation)]
    ) {
        guard let inputSet = try? GlobSet(inputs.map(\.pattern.text), purpose: .inputs),
            let artifactSet = try? GlobSet(artifacts.map(\.pattern.text), purpose: .artifacts)
        else {
            return
        }
        for (artifact, location) in artifacts where !artifact.isNegated {
            let overlapping = inputs.map(\.pattern).first { input in
                guard !input.isNegated else {
                    return false
                }
                if GlobSet.isFolder(artifact.literalPrefix, inside: input.literalPrefix) {
                    return inputSet.mayContainMatches(directory: artifact.literalPrefix)
                }
                if GlobSet.isFolder(input.literalPrefix, inside: artifact.literalPrefix) {
                    return artifactSet.mayContainMatches(directory: input.literalPrefix)
                }
                return false
            }
            if let overlapping {
                warnings.append(Diagnostic(
                    location: location,
                    message: "job '\(job)' has artifacts '\(artifact.text)' that overlap its inputs "
                        + "'\(overlapping.text)', so in watch mode its own writes trigger it once more"
                ))
            }
        }
    }
}
