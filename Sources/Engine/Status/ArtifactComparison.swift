#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Hashing

/// Compares `artifacts/<job>/` with a manifest without changing either, for `status`.
///
/// Files go through the hash index, so a file whose stat data the index already has is not read
/// again. The index may gain rows for artifact files, but it is dagrun's own cache, not a file
/// that users see.
struct ArtifactComparison: Sendable {
    let root: String
    let index: HashIndex
    let blobs: BlobStore

    /// Lists how `artifacts/<job>/` differs from `manifest`: missing, modified and extra files,
    /// each as a path from the workspace root, in the byte order of the paths.
    ///
    /// - Throws: `HashingError` when the folder cannot be listed or a file cannot be read.
    func differences(of job: Job.Name, from manifest: Manifest) throws(HashingError) -> [StaleReason] {
        let folder = "artifacts/" + job.rawValue
        let present = try TreeWalker(root: root).files(under: [folder])
        let (records, _) = try index.records(root: root, relativePaths: present)
        let byPath = Dictionary(records.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })

        var reasons: [(path: String, reason: StaleReason)] = []
        var expected: Set<String> = []
        for entry in manifest.entries {
            let path = folder + "/" + entry.path
            expected.insert(path)
            if let reason = reason(for: entry, at: path, found: byPath[path]) {
                reasons.append((path, reason))
            }
        }
        for record in records where !expected.contains(record.path) {
            reasons.append((record.path, .artifactAdded(path: record.path)))
        }
        return reasons
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            .map(\.reason)
    }

    // NOTE: This check lives outside the typed-throws loop above because Swift 6.3.1 crashed
    // in release builds (SIL CopyPropagation, an ownership error) when it was inlined there.
    /// Returns the reason that `record` differs from `entry`, or nil when they match.
    private func reason(for entry: Manifest.Entry, at path: String, found record: FileRecord?) -> StaleReason? {
        var isRestorable = true
        if case .file(let digest, _) = entry.content {
            isRestorable = blobs.contains(digest)
        }
        guard let record else {
            return .artifactMissing(path: path, isRestorable: isRestorable)
        }
        return Self.matches(record, entry) ? nil : .artifactModified(path: path, isRestorable: isRestorable)
    }

    /// Returns whether the file on disk is what restoring `entry` would write.
    private static func matches(_ record: FileRecord, _ entry: Manifest.Entry) -> Bool {
        if let target = entry.linkTarget {
            return record.linkTarget == target
        }
        return record.linkTarget == nil
            && record.digest == entry.digest
            && record.mode & 0o7777 == entry.mode & 0o7777
    }
}
