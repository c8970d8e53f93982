#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Hashing

extension ArtifactStore {
    /// The result of collecting a job's artifacts.
    public struct CollectionResult: Sendable, Hashable {
        /// The collected files; its digest is the job's new artifact digest.
        public var manifest: Manifest
        /// Patterns that matched nothing, and links or names the walk skipped.
        public var warnings: [String]
    }

    /// Collects the artifacts of `job`, which has just succeeded.
    ///
    /// Each file that `patterns` includes is stored in the blob store under the path it has
    /// relative to its deciding pattern's literal prefix (`out/**` collects `out/app.txt` as
    /// `app.txt`), and `artifacts/<job>/` is then replaced with exactly those files. A pattern
    /// that matches nothing gives a warning. Call it only for a successful run: a failed job keeps
    /// its previous artifacts.
    ///
    /// - Parameter patterns: The job's `artifacts` patterns, compiled for `.artifacts`.
    /// - Throws: `ArtifactError.conflictingDestinations` when two files map to the same path (or
    ///   one inside the other), and `.fileSystem` when a file cannot be read or stored. Either way
    ///   `artifacts/<job>/` keeps its previous contents.
    public func collect(job: Job.Name, patterns: GlobSet) throws(ArtifactError) -> CollectionResult {
        let walk: WalkResult
        do throws(SystemError) {
            walk = try FileWalker.files(in: root, matching: patterns)
        } catch {
            throw .fileSystem(error)
        }

        let sources = try destinations(of: walk.paths, job: job, patterns: patterns)
        var warnings = walk.warnings
        for pattern in patterns.patterns where !pattern.isNegated {
            if !walk.paths.contains(where: { pattern.matches($0) }) {
                warnings.append("artifact pattern '\(pattern.text)' matched no files")
            }
        }

        var entries: [Manifest.Entry] = []
        for (destination, source) in sources {
            entries.append(try record(source, as: destination))
        }
        let manifest = try Manifest(entries: entries)
        try replaceDirectory(of: job, with: manifest)
        return CollectionResult(manifest: manifest, warnings: warnings)
    }

    /// Maps each matched path to its path under `artifacts/<job>/`.
    ///
    /// - Returns: Pairs of destination and workspace path, sorted by destination.
    func destinations(
        of paths: [String],
        job: Job.Name,
        patterns: GlobSet
    ) throws(ArtifactError) -> [(destination: String, source: String)] {
        var sourceByDestination: [String: String] = [:]
        for path in paths {
            let prefix = patterns.decidingPattern(for: path)?.literalPrefix ?? ""
            var destination = path
            if !prefix.isEmpty, path.hasPrefix(prefix + "/") {
                destination = String(path.dropFirst(prefix.count + 1))
            }
            if let first = sourceByDestination[destination] {
                throw .conflictingDestinations(job: job, destination: destination, first: first, second: path)
            }
            sourceByDestination[destination] = path
        }

        // A file cannot also be a folder: `x` from one pattern and `x/y` from another conflict.
        for (destination, source) in sourceByDestination {
            for folder in Manifest.ancestors(of: destination) {
                if let first = sourceByDestination[folder] {
                    throw .conflictingDestinations(job: job, destination: folder, first: first, second: source)
                }
            }
        }

        return sourceByDestination
            .map { (destination: $0.key, source: $0.value) }
            .sorted { $0.destination.utf8.lexicographicallyPrecedes($1.destination.utf8) }
    }

    /// Stores one matched file or link and returns its manifest entry.
    private func record(_ source: String, as destination: String) throws(ArtifactError) -> Manifest.Entry {
        let sourcePath = root + "/" + source
        let info: stat
        let target: [UInt8]?
        do throws(SystemError) {
            guard let found = try FileOperations.status(sourcePath) else {
                throw SystemError(call: "lstat", subject: sourcePath, code: ENOENT)
            }
            info = found
            target = info.isSymbolicLink ? try FileOperations.linkTarget(sourcePath) : nil
        } catch {
            throw .fileSystem(error)
        }

        let mode = UInt32(info.st_mode) & 0o7777
        if let target {
            guard let text = decodedFileName(target) else {
                throw .linkTargetNotUTF8(path: source, target: displayPath(target))
            }
            return Manifest.Entry(path: destination, mode: mode, content: .symbolicLink(target: text))
        }
        let stored = try blobs.store(fileAt: sourcePath)
        return Manifest.Entry(path: destination, mode: mode, content: .file(digest: stored.digest, size: stored.size))
    }
}
