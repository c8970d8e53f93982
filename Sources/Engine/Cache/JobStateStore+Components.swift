import Basics
import Foundation
import Hashing

extension JobStateStore {
    /// Returns the folder of `job`'s components files, one per cache key.
    public func componentsDirectory(for job: Job.Name) -> String {
        "\(directory)/components/\(job.rawValue)"
    }

    /// Returns the path of the components file of `job` for the cache key `key`.
    public func componentsPath(for job: Job.Name, key: Digest) -> String {
        "\(componentsDirectory(for: job))/\(key.hex).json"
    }

    /// Writes the components file for `key` unless one is already there.
    ///
    /// An existing file is not checked: a damaged one is reported by its readers, and replaced
    /// only after the job has recorded other keys and removed it.
    func storeComponents(_ components: CacheKey.Components, key: Digest, of job: Job.Name) throws(SystemError) {
        let destination = componentsPath(for: job, key: key)
        guard try FileOperations.status(destination) == nil else { return }

        let file = JobState.ComponentsFile(version: JobState.formatVersion, key: key.hex, components: components)
        let bytes = try Self.encode(file, for: destination)
        try FileOperations.createDirectories(componentsDirectory(for: job))
        try FileOperations.writeFileAtomically(bytes, to: destination)
    }

    /// Removes every file in `job`'s components folder except those of the keys in `keys`,
    /// including temporary files that an interrupted write left.
    ///
    /// Removal is best effort: a file that cannot be listed or removed stays until the next write,
    /// because a leftover file costs only disk space.
    func removeComponents(of job: Job.Name, except keys: Set<Digest>) {
        let folder = componentsDirectory(for: job)
        guard let entries = try? FileOperations.entries(ofDirectory: folder) else { return }
        let keptNames = Set(keys.map { "\($0.hex).json" })
        for entry in entries {
            guard let name = String(validating: entry.name, as: UTF8.self), !keptNames.contains(name) else { continue }
            unlink(folder + "/" + name)
        }
    }
}
