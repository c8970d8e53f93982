import Basics
import Foundation
import Hashing

/// Reads and writes the per-job state files in `<root>/.dagrun/state/`.
///
/// Writes are atomic renames, so `status` may read while a run writes. Two runs of one
/// workspace at once are kept apart by the workspace lock, not by this type.
public struct JobStateStore: Sendable {
    /// The folder that contains the state files.
    public let directory: String

    /// Creates a store for the workspace whose root folder is `root`.
    public init(root: String) {
        self.directory = root + "/.dagrun/state"
    }

    /// Creates a store whose state files are in `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// Returns the path of `job`'s state file.
    public func path(for job: Job.Name) -> String {
        "\(directory)/\(job.rawValue).json"
    }

    /// Returns `job`'s recorded state, or nil when it never ran.
    ///
    /// A damaged or unreadable file counts as "never run": the reason is appended to
    /// `warnings` and the file is left for the next run to overwrite.
    public func state(for job: Job.Name, warnings: inout [String]) -> JobState? {
        let statePath = path(for: job)
        let bytes: [UInt8]
        do {
            bytes = try FileOperations.readFile(statePath)
        } catch where error.code == ENOENT {
            return nil
        } catch {
            warnings.append("cannot read the last run of job '\(job)': \(error); treating it as never run")
            return nil
        }

        let state: JobState
        do {
            state = try ActionCache.decoder.decode(JobState.self, from: Data(bytes))
        } catch {
            warnings.append(
                "ignoring damaged state file '\(statePath)' of job '\(job)' (\(error)); treating it as never run"
            )
            return nil
        }
        guard state.version == JobState.formatVersion else {
            warnings.append(
                "ignoring state file '\(statePath)' of job '\(job)' with unknown version \(state.version); "
                    + "treating it as never run"
            )
            return nil
        }
        return state
    }

    /// Records a successful run of `job` with the components it ran with and the digest of the
    /// artifacts it collected.
    ///
    /// - Returns: The state that was written.
    @discardableResult
    public func recordSuccess(
        of job: Job.Name,
        components: CacheKey.Components,
        artifactDigest: Digest,
        finishedAt: Date = Date()
    ) throws(SystemError) -> JobState {
        let run = JobState.Run(
            outcome: .succeeded,
            components: components,
            artifactDigest: artifactDigest,
            finishedAt: finishedAt
        )
        return try record(run, of: job)
    }

    /// Records a failed run of `job`, keeping its last success.
    ///
    /// - Returns: The state that was written.
    @discardableResult
    public func recordFailure(
        of job: Job.Name,
        components: CacheKey.Components,
        finishedAt: Date = Date()
    ) throws(SystemError) -> JobState {
        let run = JobState.Run(outcome: .failed, components: components, artifactDigest: nil, finishedAt: finishedAt)
        return try record(run, of: job)
    }

    private func record(_ run: JobState.Run, of job: Job.Name) throws(SystemError) -> JobState {
        // The caller read the state before the run, so it has seen any warning already.
        var ignoredWarnings: [String] = []
        let previous = state(for: job, warnings: &ignoredWarnings) ?? JobState()
        let state = previous.recording(run)

        let bytes: [UInt8]
        do {
            bytes = Array(try ActionCache.encoder.encode(state))
        } catch {
            // JSONEncoder fails only on values such as non-finite floating-point numbers,
            // which this record does not contain.
            throw SystemError(call: "JSONEncoder.encode", subject: path(for: job), code: EINVAL)
        }
        try FileOperations.createDirectories(directory)
        try FileOperations.writeFileAtomically(bytes, to: path(for: job))
        return state
    }
}
