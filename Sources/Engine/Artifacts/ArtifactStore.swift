#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Hashing

/// Collects a job's artifacts into `artifacts/<job>/` and the blob store, and restores them.
///
/// `artifacts/<job>/` is always replaced whole: the new set is built in a temporary folder
/// inside `artifacts/` and renamed into place, and the old folder is renamed away first and then
/// removed. A crash leaves either the old set or the new one under `artifacts/<job>/` (or, in the
/// instant between the two renames, no folder), never a mix, and a later collect or restore of
/// the job removes the leftover temporary folders.
///
/// Jobs may be collected and restored in parallel as long as no two calls work on one job.
public struct ArtifactStore: Sendable {
    /// The absolute path of the workspace root.
    public let root: String
    public let blobs: BlobStore

    public init(root: String, blobs: BlobStore) {
        self.root = root
        self.blobs = blobs
    }

    /// The folder that contains every job's artifacts.
    public var artifactsDirectory: String { root + "/artifacts" }

    /// The folder that contains `job`'s artifacts.
    public func directory(for job: Job.Name) -> String {
        artifactsDirectory + "/" + job.rawValue
    }

    /// Makes `artifacts/<job>/` hold exactly the files of `manifest`, read from the blob store.
    ///
    /// Files that are not in the manifest are removed and missing folders are created. An empty
    /// manifest removes the folder. Each file
    /// gets its recorded permission bits, and each link its recorded target.
    ///
    /// - Throws: `ArtifactError.missingBlob` or `.corruptBlob` (`isCacheMiss` is true) when the
    ///   store cannot supply a file, which leaves the previous folder as it was, and
    ///   `.fileSystem` when a file cannot be written.
    public func restore(_ manifest: Manifest, for job: Job.Name) throws(ArtifactError) {
        for entry in manifest.entries {
            if let digest = entry.digest, !blobs.contains(digest) {
                throw .missingBlob(path: entry.path, digest: digest)
            }
        }
        try replaceDirectory(of: job, with: manifest)
    }

    /// Builds `manifest`'s files in a temporary folder and swaps it in for `artifacts/<job>/`.
    ///
    /// An empty manifest removes `artifacts/<job>/` instead, so a job without artifacts leaves
    /// no empty folder behind.
    func replaceDirectory(of job: Job.Name, with manifest: Manifest) throws(ArtifactError) {
        if manifest.entries.isEmpty {
            try removeDirectory(of: job)
            return
        }

        let incoming: String
        do throws(SystemError) {
            try FileOperations.createDirectories(artifactsDirectory)
            try removeLeftovers(of: job)
            incoming = temporaryPath(for: job, role: "incoming")
            try retryingInterrupts("mkdir", subject: incoming) { mkdir(incoming, 0o755) }
        } catch {
            throw .fileSystem(error)
        }

        do throws(ArtifactError) {
            for entry in manifest.entries {
                try materialize(entry, in: incoming)
            }
            try swapIn(incoming, for: job)
        } catch {
            try? FileOperations.removeTree(incoming)
            throw error
        }
    }

    private func materialize(_ entry: Manifest.Entry, in folder: String) throws(ArtifactError) {
        let destination = folder + "/" + entry.path
        do throws(SystemError) {
            try FileOperations.createDirectories(FileOperations.parentPath(of: destination))
        } catch {
            throw .fileSystem(error)
        }

        switch entry.content {
        case .file(let digest, _):
            try blobs.copy(digest, to: destination, mode: entry.mode, entryPath: entry.path)
        case .symbolicLink(let target):
            do throws(SystemError) {
                try retryingInterrupts("symlink", subject: destination) { symlink(target, destination) }
            } catch {
                throw .fileSystem(error)
            }
        }
    }

    private func swapIn(_ incoming: String, for job: Job.Name) throws(ArtifactError) {
        let current = directory(for: job)
        do throws(SystemError) {
            guard try FileOperations.status(current) != nil else {
                try FileOperations.rename(incoming, to: current)
                return
            }
            let outgoing = temporaryPath(for: job, role: "outgoing")
            try FileOperations.rename(current, to: outgoing)
            try FileOperations.rename(incoming, to: current)
            try FileOperations.removeTree(outgoing)
        } catch {
            throw .fileSystem(error)
        }
    }

    private func removeDirectory(of job: Job.Name) throws(ArtifactError) {
        let current = directory(for: job)
        do throws(SystemError) {
            guard try FileOperations.status(current) != nil else { return }
            try removeLeftovers(of: job)
            let outgoing = temporaryPath(for: job, role: "outgoing")
            try FileOperations.rename(current, to: outgoing)
            try FileOperations.removeTree(outgoing)
        } catch {
            throw .fileSystem(error)
        }
    }

    /// Returns a new path inside `artifacts/` for one of `job`'s temporary folders.
    ///
    /// `+` cannot occur in a job name, so one job's leftovers are never mistaken for another's.
    private func temporaryPath(for job: Job.Name, role: String) -> String {
        "\(artifactsDirectory)/.\(role)+\(job.rawValue)+\(FileOperations.uniqueSuffix())"
    }

    /// Removes the temporary folders that an interrupted collect or restore of `job` left.
    private func removeLeftovers(of job: Job.Name) throws(SystemError) {
        let prefixes = ["incoming", "outgoing"].map { ".\($0)+\(job.rawValue)+" }
        for entry in try FileOperations.entries(ofDirectory: artifactsDirectory) {
            guard let name = decodedFileName(entry.name) else { continue }
            if prefixes.contains(where: { name.hasPrefix($0) }) {
                try FileOperations.removeTree(artifactsDirectory + "/" + name)
            }
        }
    }
}
