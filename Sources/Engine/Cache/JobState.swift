// Each job's last runs are recorded in `<root>/.dagrun/state/<job>.json`, which `status` and
// `explain` compare against the current cache key components:
//
//     {"version": 1,
//      "lastOutcome": {"outcome": "failed", "keyDigest": "<64 hex>", "finishedAt": "…",
//                      "components": {…}},
//      "lastSuccess": {"outcome": "succeeded", "keyDigest": "<64 hex>",
//                      "artifactDigest": "<64 hex>", "finishedAt": "…", "components": {…}}}
//
// `lastOutcome` is the most recent run, whatever its result. `lastSuccess` is the most recent
// successful run. It is kept when a later run fails, so a failure still shows what changed since
// the last good build. The file is replaced atomically. A file that cannot be read or decoded
// counts as "never run", with a warning; the next run overwrites it.

import Basics
import Foundation
import Hashing

/// The record of a job's most recent runs.
public struct JobState: Sendable, Hashable, Codable {
    /// The result of a run.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case succeeded
        case failed
    }

    /// One finished run of the job.
    public struct Run: Sendable, Hashable {
        public var outcome: Outcome
        public var components: CacheKey.Components
        /// The digest of `components`, the cache key the run was recorded under.
        public var keyDigest: Digest
        /// The digest of the collected artifacts; nil for a failed run.
        public var artifactDigest: Digest?
        public var finishedAt: Date

        public init(
            outcome: Outcome,
            components: CacheKey.Components,
            artifactDigest: Digest?,
            finishedAt: Date = Date()
        ) {
            self.outcome = outcome
            self.components = components
            self.keyDigest = components.digest
            self.artifactDigest = artifactDigest
            self.finishedAt = finishedAt
        }
    }

    /// The version of the state file format.
    public static let formatVersion = 1

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

extension JobState.Run: Codable {
    private enum CodingKeys: String, CodingKey {
        case outcome, components, keyDigest, artifactDigest, finishedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        outcome = try container.decode(JobState.Outcome.self, forKey: .outcome)
        components = try container.decode(CacheKey.Components.self, forKey: .components)
        keyDigest = try container.decodeDigest(forKey: .keyDigest)
        artifactDigest = try container.decodeDigestIfPresent(forKey: .artifactDigest)
        finishedAt = try container.decode(Date.self, forKey: .finishedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(components, forKey: .components)
        try container.encode(digest: keyDigest, forKey: .keyDigest)
        try container.encodeIfPresent(digest: artifactDigest, forKey: .artifactDigest)
        try container.encode(finishedAt, forKey: .finishedAt)
    }
}
