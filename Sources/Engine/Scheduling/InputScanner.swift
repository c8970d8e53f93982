import Basics
import Hashing

/// Finds a job's input files and their digests: the glob walk, then the hash index.
///
/// Files whose stat data the index already has are not read, so a scan of an unchanged tree
/// costs one `lstat` per file. Thread-safe, because `HashIndex` is.
public struct InputScanner: Sendable {
    public let root: String
    public let index: HashIndex

    public init(root: String, index: HashIndex) {
        self.root = root
        self.index = index
    }

    /// Returns the input files of `job`, sorted by path, and the warnings of the walk.
    ///
    /// - Throws: `GlobError` for an invalid pattern (the loader rejects those first),
    ///   `SystemError` when a folder cannot be listed, `HashingError` when a file cannot be read.
    public func inputs(of job: Job) throws -> (files: [CacheKey.InputFile], warnings: [String]) {
        guard !job.inputs.isEmpty else { return ([], []) }
        let patterns = try GlobSet(job.inputs, purpose: .inputs)
        let walk = try FileWalker.files(in: root, matching: patterns)
        let (records, _) = try index.records(root: root, relativePaths: walk.paths)
        let files = records.map { record in
            CacheKey.InputFile(
                path: record.path,
                digest: record.digest,
                isExecutable: record.isExecutable,
                linkTarget: record.linkTarget
            )
        }
        return (files, walk.warnings)
    }

    /// Computes the cache key components of `job` from the files as they are now.
    public func components(
        of job: Job,
        in workflow: Workflow,
        upstreamArtifacts: [Job.Name: Digest]
    ) throws -> (components: CacheKey.Components, warnings: [String]) {
        let (files, warnings) = try inputs(of: job)
        let components = CacheKey.Components(
            job: job,
            in: workflow,
            inputs: files,
            upstreamArtifacts: upstreamArtifacts
        )
        return (components, warnings)
    }
}
