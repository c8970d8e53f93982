import Basics
import Foundation

/// Reads a workflow file, checks it, and returns the workflow with its warnings.
///
/// The format, from the top:
/// - `env`: a mapping of variables for every job; numbers and Booleans keep their text.
/// - `defaults`: `retries`, `backoff`, `timeout` and `cache` for every job that does not set them.
/// - `jobs`: a list of job mappings with `name`, or a mapping from job name to job.
/// - Keys that start with `x-` are ignored, so they can hold anchors for the rest of the file.
///
/// A job has `runs` (required), `needs`, `inputs`, `artifacts`, `retries`, `backoff`
/// (`initial`, `factor`, `max`), `timeout`, `env` and `cache`. Every error carries the file, line
/// and column of the offending value.
public enum WorkflowLoader {
    static let topLevelKeys = ["env", "defaults", "jobs"]

    /// Loads the workflow in `file`; the workspace root is the absolute path of the file's folder.
    ///
    /// - Throws: `WorkflowError` when the file is not found, cannot be read, or is invalid.
    public static func load(file: String) throws -> (workflow: Workflow, warnings: [Diagnostic]) {
        let bytes = try readFile(file)
        let absolute = URL(fileURLWithPath: file).standardizedFileURL
        let root = absolute.deletingLastPathComponent().path
        return try load(bytes: bytes, file: file, root: root)
    }

    /// Loads a workflow from `text`, as if read from `file` in the workspace `root`.
    ///
    /// - Throws: `WorkflowError` when the workflow is invalid.
    public static func load(text: String, file: String, root: String) throws -> (workflow: Workflow, warnings: [Diagnostic]) {
        try load(bytes: Array(text.utf8), file: file, root: root)
    }

    static func load(bytes: [UInt8], file: String, root: String) throws(WorkflowError) -> (workflow: Workflow, warnings: [Diagnostic]) {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard let document = try YAMLReader(file: file).read(bytes), !document.isNull else {
            throw WorkflowError(
                message: "the workflow file is empty",
                location: start,
                hint: "Add a 'jobs' list with at least one job that has a 'name' and a 'runs' script."
            )
        }

        guard case .mapping = document.content else {
            throw WorkflowError(
                message: "the workflow must be a mapping with a 'jobs' key, found \(document.summary)",
                location: document.location(in: file),
                hint: "Start the file with 'jobs:' and list the jobs below it."
            )
        }
        var decoder = WorkflowDecoder(file: file)
        let entries = try decoder.entries(of: document, named: "workflow", expected: "a mapping")
        let settings = entries.filter { !$0.key.hasPrefix("x-") }
        try decoder.rejectUnknownKeys(settings, validKeys: topLevelKeys, context: "at the top level")
        let value = { (name: String) in entries.first { $0.key == name }?.value }

        let env = try value("env").map { (node) throws(WorkflowError) in try decoder.environment(node) } ?? [:]
        let defaults = try value("defaults").map { (node) throws(WorkflowError) in try decoder.defaults(node) }
            ?? JobDefaults()
        guard let jobsNode = value("jobs") else {
            throw WorkflowError.noJobs(in: file, at: document.location(in: file))
        }
        let jobs = try decoder.jobs(jobsNode, defaults: defaults)
        try validate(jobs, file: file)

        let workflow = Workflow(file: file, root: root, env: env, jobs: jobs.map(\.job))
        return (workflow, decoder.warnings)
    }

    // MARK: Reading

    private static func readFile(_ file: String) throws(WorkflowError) -> [UInt8] {
        do {
            return try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                throw WorkflowError(
                    message: "workflow file '\(file)' not found",
                    location: nil,
                    hint: "Run dagrun in the folder that holds workflow.yml, or pass the file's path with -f."
                )
            }
            let reason = isDirectory.boolValue ? "it is a folder" : Self.reason(for: error)
            throw WorkflowError(
                message: "cannot read workflow file '\(file)': \(reason)",
                location: nil,
                hint: isDirectory.boolValue
                    ? "Pass the path of the workflow file itself, such as '\(file)/workflow.yml'."
                    : "Check that the file is readable by the current user."
            )
        }
    }

    private static func reason(for error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}

extension WorkflowDecoder {
    mutating func defaults(_ node: YAMLNode) throws(WorkflowError) -> JobDefaults {
        var defaults = JobDefaults()
        if node.isNull {
            return defaults
        }
        let entries = try entries(of: node, named: "defaults", expected: "a mapping")
        try rejectUnknownKeys(entries, validKeys: JobDefaults.keys, context: "in 'defaults'")
        for entry in entries {
            switch entry.key {
            case "retries":
                defaults.retries = try wholeNumber(entry.value, key: "retries")
            case "backoff":
                defaults.backoff = try backoff(entry.value, over: defaults.backoff)
            case "timeout":
                defaults.timeout = try timeout(entry.value)
            default:
                defaults.cacheEnabled = try boolean(entry.value, key: "cache")
            }
        }
        return defaults
    }

    /// Decodes `jobs`, a list of job mappings or a mapping from name to job.
    mutating func jobs(_ node: YAMLNode, defaults: JobDefaults) throws(WorkflowError) -> [DecodedJob] {
        var jobs: [DecodedJob] = []
        switch node.content {
        case .sequence(let items):
            for item in items {
                jobs.append(try decodeJob(item, key: nil, defaults: defaults))
            }
        case .mapping(let pairs):
            // Not through `entries(of:)`: a repeated key is a duplicate job name, reported by
            // `validate` with both places.
            for pair in pairs {
                jobs.append(try decodeJob(pair.value, key: pair.key, defaults: defaults))
            }
        case .scalar:
            guard node.isNull else {
                throw WorkflowError.wrongType(
                    "jobs",
                    expected: "a list or a mapping of jobs",
                    found: node,
                    file: file,
                    hint: Self.jobHint
                )
            }
        }
        guard !jobs.isEmpty else {
            throw WorkflowError.noJobs(in: file, at: node.location(in: file))
        }
        return jobs
    }
}
