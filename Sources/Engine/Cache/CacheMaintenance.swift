import Basics
import Hashing

/// The `dagrun cache stats|prune|clear` operations on a cache directory.
///
/// Run them while no run uses the cache (under the workspace lock): `prune` removes blobs that
/// no entry references yet, which includes the blobs of a run that is storing its artifacts and
/// has not recorded its entry.
public struct CacheMaintenance: Sendable {
    /// Counts of what a cache directory holds.
    public struct Statistics: Sendable, Hashable {
        public var entryCount = 0
        /// The total size of the entry files, in bytes.
        public var entryBytes: Int64 = 0
        public var blobCount = 0
        /// The total size of the blobs, in bytes.
        public var blobBytes: Int64 = 0

        public init() {}
    }

    /// The blobs that `prune` removed.
    public struct PruneResult: Sendable, Hashable {
        public var removedBlobCount = 0
        /// The total size of the removed blobs, in bytes.
        public var removedBytes: Int64 = 0
    }

    public let directory: CacheDirectory

    public init(directory: CacheDirectory) {
        self.directory = directory
    }

    /// Counts the entries and blobs and their sizes, without reading any entry.
    public func statistics() throws(SystemError) -> Statistics {
        var statistics = Statistics()
        for file in try ActionCache(directory: directory).entryFiles() {
            statistics.entryCount += 1
            statistics.entryBytes += file.size
        }
        for blob in try BlobStore(directory: directory).allBlobs() {
            statistics.blobCount += 1
            statistics.blobBytes += blob.size
        }
        return statistics
    }

    /// Removes damaged entries, every blob that no remaining entry's manifest references, and
    /// leftover temporary files.
    ///
    /// Reasons for removed entries are appended to `warnings`.
    @discardableResult
    public func prune(warnings: inout [String]) throws(SystemError) -> PruneResult {
        let entries = try ActionCache(directory: directory).allEntries(warnings: &warnings)
        let referenced = entries.reduce(into: Set<Digest>()) { $0.formUnion($1.manifest.blobDigests) }

        var result = PruneResult()
        let store = BlobStore(directory: directory)
        for blob in try store.allBlobs() where !referenced.contains(blob.digest) {
            try store.remove(blob.digest)
            result.removedBlobCount += 1
            result.removedBytes += blob.size
        }
        try FileOperations.removeTree(directory.temporary)
        return result
    }

    /// Removes every entry, blob and temporary file; the cache directory itself stays.
    public func clear() throws(SystemError) {
        try FileOperations.removeTree(directory.actions)
        try FileOperations.removeTree(directory.blobs)
        try FileOperations.removeTree(directory.temporary)
    }
}
