import Engine
import Hashing

/// Decides through the hash index which jobs' cache keys changed since their last run, before
/// anything runs, so a touch or a save without edits runs nothing.
///
/// A job's key is rebuilt from its last run's components: the input files of that run, with the
/// changed paths re-hashed (an unchanged stat costs no read), the script, environment and
/// patterns of the current workflow, and the artifact digests that its upstream jobs have now.
/// Its last run counts whether it succeeded or failed, so a failed job runs again only once its
/// key changes. Any doubt (no last run, an upstream job without artifacts, a path that cannot be
/// hashed) counts as changed, and the run's own cache check then decides.
struct ContentCheck: Sendable {
    let root: String
    let index: HashIndex
    let states: JobStateStore

    /// Returns the jobs of `triggers` whose cache key changed, hashing only the triggering paths.
    ///
    /// - Parameter outcomes: the latest outcome of each job, for the upstream artifact digests.
    func changedJobs(
        _ triggers: [ChangeMapper.Trigger],
        in watched: WatchedWorkflow,
        outcomes: [Job.Name: JobOutcome]
    ) -> Set<Job.Name> {
        var changed: Set<Job.Name> = []
        for trigger in triggers {
            let name = Job.Name(trigger.job)
            if hasChanged(name, paths: trigger.matches.map(\.path), in: watched, outcomes: outcomes) {
                changed.insert(name)
            }
        }
        return changed
    }

    /// Returns every watched job whose cache key changed, walking each job's inputs in full.
    ///
    /// It is the check after lost events, when any input may have changed unseen.
    func changedJobsScanningAll(in watched: WatchedWorkflow, outcomes: [Job.Name: JobOutcome]) -> Set<Job.Name> {
        let scanner = InputScanner(root: root, index: index)
        var changed: Set<Job.Name> = []
        for name in watched.jobNames {
            guard let job = watched.workflow.job(named: name),
                  let last = lastRun(of: name),
                  let upstream = upstreamArtifacts(of: name, in: watched, outcomes: outcomes),
                  let scan = try? scanner.components(of: job, in: watched.workflow, upstreamArtifacts: upstream)
            else {
                changed.insert(name)
                continue
            }
            if scan.components.digest != last.keyDigest {
                changed.insert(name)
            }
        }
        return changed
    }

    private func hasChanged(
        _ name: Job.Name,
        paths: [String],
        in watched: WatchedWorkflow,
        outcomes: [Job.Name: JobOutcome]
    ) -> Bool {
        guard let job = watched.workflow.job(named: name),
              let last = lastRun(of: name),
              let upstream = upstreamArtifacts(of: name, in: watched, outcomes: outcomes),
              let hashed = try? index.records(root: root, relativePaths: paths)
        else {
            return true
        }
        // Without the last run's components the key cannot be rebuilt, so the job counts as changed.
        var unavailable: [String] = []
        guard let lastComponents = last.components(warnings: &unavailable) else {
            return true
        }
        let changedPaths = Set(paths)
        var inputs = lastComponents.inputs.filter { !changedPaths.contains($0.path) }
        for record in hashed.records {
            inputs.append(CacheKey.InputFile(
                path: record.path,
                digest: record.digest,
                isExecutable: record.isExecutable,
                linkTarget: record.linkTarget
            ))
        }
        let components = CacheKey.Components(job: job, in: watched.workflow, inputs: inputs, upstreamArtifacts: upstream)
        return components.digest != last.keyDigest
    }

    private func lastRun(of name: Job.Name) -> JobState.Run? {
        var ignored: [String] = []
        return states.state(for: name, warnings: &ignored)?.lastOutcome
    }

    /// Returns the artifact digest of every job upstream of `name`, or nil when one has none.
    private func upstreamArtifacts(
        of name: Job.Name,
        in watched: WatchedWorkflow,
        outcomes: [Job.Name: JobOutcome]
    ) -> [Job.Name: Digest]? {
        var digests: [Job.Name: Digest] = [:]
        for upstream in watched.upstream(of: name) {
            guard let digest = outcomes[upstream]?.artifactDigest else {
                return nil
            }
            digests[upstream] = digest
        }
        return digests
    }
}
