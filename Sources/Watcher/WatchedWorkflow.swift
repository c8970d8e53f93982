import Basics
import Engine
import Foundation

/// A workflow as watch mode uses it: the DAG, the requested jobs with what they need, and the
/// matchers of those jobs' inputs and artifacts.
///
/// Only the requested jobs and the jobs they need are watched and run. A job outside that set
/// triggers nothing, and a dependent outside it never runs.
struct WatchedWorkflow: Sendable {
    let workflow: Workflow
    let graph: JobGraph
    /// The requested jobs and every job they need, in topological order.
    let jobNames: [Job.Name]
    /// Maps changed paths to the jobs of `jobNames` whose `inputs` match them.
    let mapper: ChangeMapper
    /// Each job's `artifacts` matcher, to recognise a job's own writes among its inputs.
    let artifactMatchers: [Job.Name: GlobSet]
    /// The workflow file's path relative to the workspace root.
    let workflowPath: String
    /// The workflow file's bytes when it was loaded, to tell an edit from a touch.
    let workflowContents: Data?

    /// Builds the watched view of `workflow` for `targets`, all jobs when `targets` is empty.
    ///
    /// - Throws: `WatchError.unknownTarget` when the workflow has no job named as a target, which
    ///   happens when an edit removes or renames it; `GlobError` for an invalid pattern, which the
    ///   loader rejects first.
    init(_ workflow: Workflow, targets: [Job.Name]) throws {
        let graph = JobGraph(workflow)
        let known = Set(workflow.jobs.map(\.name))
        if let missing = targets.first(where: { !known.contains($0) }) {
            throw WatchError.unknownTarget(missing, file: workflow.file)
        }
        let names = targets.isEmpty ? graph.topologicalOrder : graph.closure(of: targets)

        var rules: [ChangeMapper.Rule] = []
        var artifactMatchers: [Job.Name: GlobSet] = [:]
        for name in names {
            guard let job = workflow.job(named: name) else {
                continue
            }
            artifactMatchers[name] = try GlobSet(job.artifacts, purpose: .artifacts)
            guard !job.inputs.isEmpty else {
                continue
            }
            let inputs = try GlobSet(job.inputs, purpose: .inputs)
            rules.append(ChangeMapper.Rule(job: name.rawValue, patterns: job.inputs) { path in
                inputs.decidingPattern(for: path)?.text
            })
        }

        self.workflow = workflow
        self.graph = graph
        self.jobNames = names
        self.mapper = ChangeMapper(rules: rules)
        self.artifactMatchers = artifactMatchers
        self.workflowPath = String(workflow.file.split(separator: "/").last ?? Substring(workflow.file))
        self.workflowContents = FileManager.default.contents(atPath: workflow.root + "/" + workflowPath)
    }

    /// Returns the scope that covers every watched job's inputs and the workflow file.
    ///
    /// - Parameter ignoredPaths: folders dagrun writes besides `.dagrun/` and `artifacts/`, such
    ///   as a cache folder moved into the workspace.
    func scope(ignoring ignoredPaths: [String]) -> WatchScope {
        let prefixes = mapper.rules.flatMap(\.patterns).compactMap(WatchScope.literalPrefix(of:))
        return WatchScope(prefixes: prefixes + [workflowPath], ignoredPaths: ignoredPaths)
    }

    /// Returns `names` and the watched jobs downstream of them, in topological order.
    func downstream(of names: Set<Job.Name>) -> [Job.Name] {
        let watched = Set(jobNames)
        return graph.dependents(of: names).filter(watched.contains)
    }

    /// Returns every job that `name` needs, directly or through other jobs.
    func upstream(of name: Job.Name) -> [Job.Name] {
        graph.closure(of: [name]).filter { $0 != name }
    }

    /// Returns whether the workflow file's bytes differ from those loaded.
    func isWorkflowFileEdited() -> Bool {
        FileManager.default.contents(atPath: workflow.root + "/" + workflowPath) != workflowContents
    }
}

/// A problem that watch mode reports and survives, keeping the last valid workflow.
enum WatchError: UserError, Equatable {
    case unknownTarget(Job.Name, file: String)

    var message: String {
        switch self {
        case .unknownTarget(let name, let file):
            "the watched job '\(name)' is no longer in \(file)"
        }
    }

    var hint: String? {
        switch self {
        case .unknownTarget:
            "Restore the job, or restart 'dagrun watch' with the jobs to watch."
        }
    }
}
