import Basics
import Foundation
import Hashing

/// Reads and writes the per-job state files in `<root>/.dagrun/state/`.
///
/// Writes are atomic renames, so `status` may read while a run writes. A reader that read a state
/// file just before a run replaced it may find the old components file removed. It then reports
/// a generic "cache key changed" reason with a warning. Two runs of one workspace at once are
/// kept apart by the workspace lock, not by this type.
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

        let file: JobState.StateFile
        do {
            file = try ActionCache.decoder.decode(JobState.StateFile.self, from: Data(bytes))
        } catch {
            warnings.append(
                "ignoring damaged state file '\(statePath)' of job '\(job)' (\(error)); treating it as never run"
            )
            return nil
        }
        guard Self.readableVersions.contains(file.version) else {
            warnings.append(
                "ignoring state file '\(statePath)' of job '\(job)' with unknown version \(file.version); "
                    + "treating it as never run"
            )
            return nil
        }
        let run = { (record: JobState.RunRecord) in
            record.run(componentsPath: componentsPath(for: job, key: record.keyDigest))
        }
        return JobState(lastOutcome: file.lastOutcome.map(run), lastSuccess: file.lastSuccess.map(run))
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

        // Components first, so a reader of the new state file finds them. A version 1 last
        // success carries its components inline and moves them to a file here.
        for run in [state.lastOutcome, state.lastSuccess].compactMap({ $0 }) {
            if case .value(let components) = run.componentsSource {
                try storeComponents(components, key: run.keyDigest, of: job)
            }
        }
        let file = JobState.StateFile(
            version: JobState.formatVersion,
            lastOutcome: state.lastOutcome.map(JobState.RunRecord.init),
            lastSuccess: state.lastSuccess.map(JobState.RunRecord.init)
        )
        try FileOperations.createDirectories(directory)
        try FileOperations.writeFileAtomically(try Self.encode(file, for: path(for: job)), to: path(for: job))

        let referenced = [state.lastOutcome?.keyDigest, state.lastSuccess?.keyDigest].compactMap { $0 }
        removeComponents(of: job, except: Set(referenced))
        return state
    }

    /// The state file versions that `state(for:warnings:)` reads: version 1 kept the components
    /// inline, and the next write of the job moves them to a components file.
    static let readableVersions: ClosedRange<Int> = 1...JobState.formatVersion

    static func encode(_ value: some Encodable, for path: String) throws(SystemError) -> [UInt8] {
        do {
            return Array(try ActionCache.encoder.encode(value))
        } catch {
            // JSONEncoder fails only on values such as non-finite floating-point numbers,
            // which these records do not contain.
            throw SystemError(call: "JSONEncoder.encode", subject: path, code: EINVAL)
        }
    }
}
