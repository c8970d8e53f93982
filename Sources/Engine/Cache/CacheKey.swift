// A job's cache key names one exact run: the same key means the run would do the same thing on
// the same inputs, so its recorded artifacts can be restored instead of running it.
//
// The key is the SHA-256 of a canonical encoding (see `CanonicalEncoder`) of, in this order:
//
//   "dagrun-cache-key", format version,
//   "job" name, "script" text, "shell" argument list,
//   "env" count, then each declared variable's name and value, sorted by name,
//   "inputs" patterns, "artifacts" patterns (both in the order written, because order decides
//     which pattern wins),
//   "files" count, then for each input file by path: path, digest, executable bit, link target,
//   "needs" count, then for each needed job by name: name and artifact digest.
//
// The artifact patterns are part of the key because they change what a run collects: a cached
// manifest from before a pattern change would restore the wrong set of files.
// Retries, timeouts, backoff and `cache: false` are not part of the key, because they change how
// a job is run, not what a successful run produces. Upstream jobs enter through their artifact
// digest, not their cache key, so an upstream job that re-runs and produces the same artifacts
// leaves its dependents cached (early cutoff).

import Hashing

/// The cache key of a job: its components and their digest.
public enum CacheKey {
    /// The version of the encoding above; changing the encoding or what it covers must change it,
    /// which turns every older entry into a miss.
    public static let formatVersion = 1

    /// One input file, as far as the cache key covers it.
    public struct InputFile: Sendable, Hashable {
        /// The path relative to the workspace root, `/`-separated.
        public var path: String
        /// The digest of the file's contents; for a symbolic link, of its target's contents.
        public var digest: Digest
        public var isExecutable: Bool
        /// The target of a symbolic link, as written; nil for a regular file.
        public var linkTarget: String?

        public init(path: String, digest: Digest, isExecutable: Bool, linkTarget: String? = nil) {
            self.path = path
            self.digest = digest
            self.isExecutable = isExecutable
            self.linkTarget = linkTarget
        }
    }

    /// Everything the cache key covers, kept so that `status` and `explain` can report what changed.
    public struct Components: Sendable, Hashable {
        public var formatVersion: Int
        public var job: Job.Name
        public var script: String
        public var shell: [String]
        /// The environment the workflow declares for the job (workflow `env` under job `env`).
        public var environment: [String: String]
        public var inputPatterns: [String]
        public var artifactPatterns: [String]
        /// The matched input files, sorted by path.
        public var inputs: [InputFile]
        /// The artifact digest of each job in `needs`.
        public var upstreamArtifacts: [Job.Name: Digest]

        public init(
            formatVersion: Int = CacheKey.formatVersion,
            job: Job.Name,
            script: String,
            shell: [String] = Job.shell,
            environment: [String: String],
            inputPatterns: [String],
            artifactPatterns: [String],
            inputs: [InputFile],
            upstreamArtifacts: [Job.Name: Digest]
        ) {
            self.formatVersion = formatVersion
            self.job = job
            self.script = script
            self.shell = shell
            self.environment = environment
            self.inputPatterns = inputPatterns
            self.artifactPatterns = artifactPatterns
            self.inputs = inputs.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            self.upstreamArtifacts = upstreamArtifacts
        }

        /// Collects the components of `job` in `workflow`.
        ///
        /// - Parameters:
        ///   - inputs: The files that the job's `inputs` patterns match, in any order.
        ///   - upstreamArtifacts: The artifact digest of each job that `job` needs.
        public init(
            job: Job,
            in workflow: Workflow,
            inputs: [InputFile],
            upstreamArtifacts: [Job.Name: Digest]
        ) {
            self.init(
                job: job.name,
                script: job.script,
                shell: Job.shell,
                environment: workflow.declaredEnvironment(for: job),
                inputPatterns: job.inputs,
                artifactPatterns: job.artifacts,
                inputs: inputs,
                upstreamArtifacts: upstreamArtifacts
            )
        }

        /// The cache key: the SHA-256 of the encoding described at the top of this file.
        public var digest: Digest {
            var encoder = CanonicalEncoder()
            encoder.append("dagrun-cache-key")
            encoder.append(formatVersion)
            encoder.append("job")
            encoder.append(job.rawValue)
            encoder.append("script")
            encoder.append(script)
            encoder.appendList("shell", shell) { $0.append($1) }
            encoder.appendList("env", environment.keys.sortedByBytes()) { encoder, name in
                encoder.append(name)
                encoder.append(environment[name] ?? "")
            }
            encoder.appendList("inputs", inputPatterns) { $0.append($1) }
            encoder.appendList("artifacts", artifactPatterns) { $0.append($1) }
            encoder.appendList("files", inputs) { encoder, file in
                encoder.append(file.path)
                encoder.append(file.digest)
                encoder.append(file.isExecutable)
                encoder.append(file.linkTarget)
            }
            let upstreamNames = upstreamArtifacts.keys.map(\.rawValue).sortedByBytes()
            encoder.appendList("needs", upstreamNames) { encoder, name in
                encoder.append(name)
                if let digest = upstreamArtifacts[Job.Name(name)] {
                    encoder.append(digest)
                }
            }
            return encoder.finalize()
        }
    }
}
