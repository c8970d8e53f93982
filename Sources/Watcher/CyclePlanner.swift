import Engine

/// The plan for one batch of changes: the jobs its paths trigger, and why.
struct CyclePlan: Sendable, Equatable {
    /// The jobs whose `inputs` match a changed path, with the paths and the deciding pattern.
    var triggers: [ChangeMapper.Trigger]
    /// Changed paths that no watched job's inputs match; they trigger nothing and are not hashed.
    var unmatchedPaths: [String]
    /// Jobs left out because only their own artifacts changed, for the second cycle in a row.
    var ownWritesIgnored: [Job.Name]
    /// True when the batch includes the workflow file.
    var includesWorkflowFile: Bool

    /// The jobs of `triggers`.
    var triggeredJobs: [Job.Name] { triggers.map { Job.Name($0.job) } }
}

/// Turns batches into cycle plans, and keeps a job whose artifacts overlap its inputs from
/// triggering itself forever.
///
/// A formatter whose `artifacts` are its own `inputs` rewrites the files it reads, and those
/// writes reach the watcher as changes to its inputs. The first such cycle runs it again (an
/// idempotent formatter then writes the same bytes, so the content check or the cache stops
/// there). A second cycle in a row that only its own writes trigger is left out, so even a
/// formatter that never converges runs at most once more.
///
/// NOTE: the watcher cannot tell who wrote a file. A user's edit to such a file during the job's
/// own re-run counts as the job's own write and is left out until the next edit.
struct CyclePlanner: Sendable {
    /// Jobs whose last run was caused by their own writes alone.
    private(set) var selfTriggered: Set<Job.Name> = []

    /// Plans the cycle for `batch`.
    ///
    /// - Parameter lastExecuted: the jobs that ran (not from the cache) in the previous cycle, the
    ///   only ones whose writes can be their own.
    mutating func plan(_ batch: ChangeBatch, in watched: WatchedWorkflow, lastExecuted: Set<Job.Name>) -> CyclePlan {
        let paths = batch.paths.filter { $0 != watched.workflowPath }
        let allTriggers = watched.mapper.triggers(for: paths)
        var triggers: [ChangeMapper.Trigger] = []
        var ignored: [Job.Name] = []
        for trigger in allTriggers {
            let job = Job.Name(trigger.job)
            let isOwnWrite = lastExecuted.contains(job)
                && trigger.matches.allSatisfy { watched.artifactMatchers[job]?.matches($0.path) == true }
            if !isOwnWrite {
                selfTriggered.remove(job)
                triggers.append(trigger)
            } else if selfTriggered.contains(job) {
                ignored.append(job)
            } else {
                selfTriggered.insert(job)
                triggers.append(trigger)
            }
        }
        let matched = Set(allTriggers.flatMap { $0.matches.map(\.path) })
        return CyclePlan(
            triggers: triggers,
            unmatchedPaths: paths.filter { !matched.contains($0) },
            ownWritesIgnored: ignored,
            includesWorkflowFile: batch.paths.contains(watched.workflowPath)
        )
    }

    /// Forgets every job's own-write history, after a reload or a full check.
    mutating func reset() {
        selfTriggered = []
    }
}
