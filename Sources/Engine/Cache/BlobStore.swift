#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Hashing

/// A content-addressed store of artifact file contents: `<cache>/blobs/ab/<hex>`.
///
/// A blob is written to a temporary file and renamed into place, so a blob that exists is
/// complete. Storing the same contents twice keeps one blob. Blobs are not flushed with `fsync`:
/// restoring checks the contents against the digest instead, so a blob that a crash or the disk
/// damaged is removed and reported as a cache miss.
/// Separate processes may use one store at once; the value itself has no mutable state.
public struct BlobStore: Sendable {
    public let directory: CacheDirectory

    public init(directory: CacheDirectory) {
        self.directory = directory
    }

    /// Returns the path where the blob with `digest` is stored (or would be).
    public func path(for digest: Digest) -> String {
        let hex = digest.hex
        return "\(directory.blobs)/\(hex.prefix(2))/\(hex)"
    }

    /// Returns whether the store has a blob for `digest`.
    public func contains(_ digest: Digest) -> Bool {
        access(path(for: digest), F_OK) == 0
    }

    /// Copies the regular file at `source` into the store.
    ///
    /// - Returns: The digest of the copied bytes and their count.
    /// - Throws: `ArtifactError.fileSystem` when reading the file or writing the store fails.
    public func store(fileAt source: String) throws(ArtifactError) -> (digest: Digest, size: Int64) {
        do throws(SystemError) {
            try FileOperations.createDirectories(directory.temporary)
            let temporary = directory.temporary + "/blob-" + FileOperations.uniqueSuffix()
            let copied: (digest: Digest, size: Int64)
            do throws(SystemError) {
                copied = try FileOperations.copyFile(from: source, to: temporary, mode: 0o444)
                let destination = path(for: copied.digest)
                try FileOperations.createDirectories(FileOperations.parentPath(of: destination))
                try FileOperations.rename(temporary, to: destination)
            } catch {
                unlink(temporary)
                throw error
            }
            return copied
        } catch {
            throw .fileSystem(error)
        }
    }

    /// Copies the blob with `digest` to a new file at `destination` with permission bits `mode`.
    ///
    /// `destination` must not exist. `entryPath` names the artifact in errors.
    ///
    /// - Throws: `ArtifactError.missingBlob` when the store has no such blob,
    ///   `ArtifactError.corruptBlob` (after removing the blob and the copy) when the contents do
    ///   not match `digest`, and `ArtifactError.fileSystem` for other failures.
    public func copy(
        _ digest: Digest,
        to destination: String,
        mode: UInt32,
        entryPath: String
    ) throws(ArtifactError) {
        let source = path(for: digest)
        let copied: (digest: Digest, size: Int64)
        do throws(SystemError) {
            copied = try FileOperations.copyFile(from: source, to: destination, mode: mode_t(mode))
        } catch where error.call == "open" && error.subject == source && error.code == ENOENT {
            throw .missingBlob(path: entryPath, digest: digest)
        } catch {
            throw .fileSystem(error)
        }
        if copied.digest != digest {
            unlink(destination)
            unlink(source)
            throw .corruptBlob(path: entryPath, digest: digest)
        }
    }

    /// Lists every blob in the store with its size in bytes.
    ///
    /// Files whose names are not 64 hexadecimal digits are ignored.
    public func allBlobs() throws(SystemError) -> [(digest: Digest, size: Int64)] {
        try FileOperations.shardedFiles(in: directory.blobs).compactMap { file in
            Digest(hex: file.name).map { ($0, file.size) }
        }
    }

    /// Removes the blob with `digest`; a blob that is already gone is fine.
    public func remove(_ digest: Digest) throws(SystemError) {
        let blobPath = path(for: digest)
        do throws(SystemError) {
            try retryingInterrupts("unlink", subject: blobPath) { unlink(blobPath) }
        } catch where error.code == ENOENT {
            return
        }
    }
}
