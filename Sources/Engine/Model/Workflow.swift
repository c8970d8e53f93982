import Basics

/// A loaded, validated workflow: its jobs in file order and the environment they share.
public struct Workflow: Sendable {
    /// The path of the workflow file, as given on the command line.
    public var file: String
    /// The absolute path of the workspace root, the folder that contains the workflow file.
    public var root: String
    /// The workflow-level `env`, applied to every job under the job's own `env`.
    public var env: [String: String]
    /// The jobs in the order the file lists them; names are unique and `needs` form a DAG.
    public var jobs: [Job]

    public init(file: String, root: String, env: [String: String] = [:], jobs: [Job]) {
        self.file = file
        self.root = root
        self.env = env
        self.jobs = jobs
    }

    /// Returns the job named `name`, or nil.
    public func job(named name: Job.Name) -> Job? {
        jobs.first { $0.name == name }
    }

    /// Returns the environment declared for `job`: the workflow's `env` with the job's own over it.
    public func declaredEnvironment(for job: Job) -> [String: String] {
        env.merging(job.env) { _, jobValue in jobValue }
    }
}
