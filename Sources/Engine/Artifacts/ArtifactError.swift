import Basics
import Hashing

/// A failure to collect, record or restore a job's artifacts.
///
/// A collection failure fails the job (exit status 1) and leaves the previous
/// `artifacts/<job>/` in place. A restore failure for which `isCacheMiss` is true means the
/// cached result cannot be used, so the job runs instead.
public enum ArtifactError: UserError {
    /// Two matched files map to the same path under `artifacts/<job>/`, or one maps inside the
    /// other: the destination, then the two workspace paths.
    case conflictingDestinations(job: Job.Name, destination: String, first: String, second: String)
    /// A manifest lists the same path twice, or one path inside another.
    case conflictingManifestPaths(String, String)
    /// A manifest path is empty, absolute, or has an empty, `.` or `..` component.
    case invalidManifestPath(String)
    /// A symbolic link's target is not valid UTF-8; the associated values are shown with `\xNN`.
    case linkTargetNotUTF8(path: String, target: String)
    /// The blob store has no blob for an entry: the path under `artifacts/<job>/` and the digest.
    case missingBlob(path: String, digest: Digest)
    /// A blob's contents no longer match its digest, so the blob was removed.
    case corruptBlob(path: String, digest: Digest)
    /// A system call failed.
    case fileSystem(SystemError)

    /// True when the error means that a cached result cannot be restored, so the job must run.
    public var isCacheMiss: Bool {
        switch self {
        case .missingBlob, .corruptBlob: true
        default: false
        }
    }

    public var message: String {
        switch self {
        case .conflictingDestinations(let job, let destination, let first, let second):
            "artifacts '\(first)' and '\(second)' of job '\(job)' both map to "
                + "'artifacts/\(job)/\(destination)'"
        case .conflictingManifestPaths(let first, let second) where first == second:
            "artifact manifest lists '\(first)' twice"
        case .conflictingManifestPaths(let first, let second):
            "artifact manifest lists '\(second)' inside the file '\(first)'"
        case .invalidManifestPath(let path):
            "artifact manifest has the invalid path '\(path)'"
        case .linkTargetNotUTF8(let path, let target):
            "symbolic link '\(path)' points to '\(target)', which is not valid UTF-8"
        case .missingBlob(let path, let digest):
            "cached artifact '\(path)' (blob \(digest.shortHex)) is missing from the cache"
        case .corruptBlob(let path, let digest):
            "cached artifact '\(path)' (blob \(digest.shortHex)) is damaged; it was removed"
        case .fileSystem(let error):
            "artifact files: \(error)"
        }
    }

    public var hint: String? {
        switch self {
        case .conflictingDestinations:
            "Each file's path under artifacts/ is its path after the pattern's literal prefix; "
                + "change the patterns so that no two files land on one path."
        case .linkTargetNotUTF8:
            "Point the link at a path whose name is valid UTF-8."
        case .missingBlob, .corruptBlob:
            "The job runs again; `dagrun cache clear` empties a damaged cache."
        default:
            nil
        }
    }

    public var exitStatus: Int32 { 1 }
}
