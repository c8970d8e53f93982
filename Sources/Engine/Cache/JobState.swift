// Each job's last runs are recorded in `<root>/.dagrun/state/<job>.json`, which `status`, `explain`,
// `run --dry-run` and every `run` read. It is small, whatever the number of inputs:
//
//     {"version": 2,
//      "lastOutcome": {"outcome": "failed", "keyDigest": "<64 hex>", "finishedAt": "…"},
//      "lastSuccess": {"outcome": "succeeded", "keyDigest": "<64 hex>",
//                      "artifactDigest": "<64 hex>", "finishedAt": "…"}}
//
// `lastOutcome` is the most recent run, whatever its result. `lastSuccess` is the most recent
// successful run. It is kept when a later run fails, so a failure still shows what changed since
// the last good build.
//
// The cache key components of a run (every input path and digest, so megabytes for a large tree)
// are stored once per cache key in `<root>/.dagrun/state/components/<job>/<key hex>.json`:
//
//     {"version": 2, "key": "<64 hex>", "components": {…}}
//
// (the components' form is described in CacheKey+Coding.swift). A components file is written
// only when no file for its key exists, so a run whose keys did not change writes nothing. After
// a job's state file is written, the files in the job's components folder that neither of its
// runs references are removed. Readers load components only to list what changed: when the
// current key equals `lastSuccess.keyDigest`, nothing is read beyond the state file.
// NOTE: nothing removes the state file and components folder of a job that left the workflow;
// they stay until `.dagrun/state/` is deleted.
//
// Every file is replaced atomically. A state file that cannot be read or decoded counts as
// "never run", with a warning; the next run overwrites it. A components file that is missing,
// damaged, or whose components do not hash to its key, gives a generic "cache key changed" reason
// with a warning. Version 1 state files, which held the components inline, are still read.

import Basics
import Foundation
import Hashing

/// The record of a job's most recent runs.
public struct JobState: Sendable, Hashable {
    /// The result of a run.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case succeeded
        case failed
    }

    /// One finished run of the job.
    ///
    /// Two runs are equal when their outcome, key digest, artifact digest and finish time are: the
    /// key digest stands for the components.
    public struct Run: Sendable, Hashable {
        public var outcome: Outcome
        /// The cache key the run was recorded under: the digest of its components.
        public var keyDigest: Digest
        /// The digest of the collected artifacts; nil for a failed run.
        public var artifactDigest: Digest?
        public var finishedAt: Date
        /// The components themselves, or the file to read them from.
        var componentsSource: ComponentsSource

        public init(
            outcome: Outcome,
            components: CacheKey.Components,
            artifactDigest: Digest?,
            finishedAt: Date = Date()
        ) {
            self.outcome = outcome
            self.keyDigest = components.digest
            self.artifactDigest = artifactDigest
            self.finishedAt = finishedAt
            self.componentsSource = .value(components)
        }

        init(outcome: Outcome, keyDigest: Digest, artifactDigest: Digest?, finishedAt: Date, componentsSource: ComponentsSource) {
            self.outcome = outcome
            self.keyDigest = keyDigest
            self.artifactDigest = artifactDigest
            self.finishedAt = finishedAt
            self.componentsSource = componentsSource
        }

        public static func == (lhs: Run, rhs: Run) -> Bool {
            lhs.outcome == rhs.outcome && lhs.keyDigest == rhs.keyDigest
                && lhs.artifactDigest == rhs.artifactDigest && lhs.finishedAt == rhs.finishedAt
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(outcome)
            hasher.combine(keyDigest)
            hasher.combine(artifactDigest)
            hasher.combine(finishedAt)
        }
    }

    /// The source of a run's components: the value in memory, or a components file not read yet.
    enum ComponentsSource: Sendable {
        case value(CacheKey.Components)
        case file(path: String)
    }

    /// The version of the state and components file formats.
    public static let formatVersion = 2

    public var version: Int = JobState.formatVersion
    /// The most recent run, successful or not.
    public var lastOutcome: Run?
    /// The most recent successful run.
    public var lastSuccess: Run?

    public init(lastOutcome: Run? = nil, lastSuccess: Run? = nil) {
        self.lastOutcome = lastOutcome
        self.lastSuccess = lastSuccess
    }

    /// Returns the state after `run`: it becomes the last outcome, and the last success too
    /// when it succeeded.
    public func recording(_ run: Run) -> JobState {
        var state = self
        state.lastOutcome = run
        if run.outcome == .succeeded {
            state.lastSuccess = run
        }
        return state
    }
}
