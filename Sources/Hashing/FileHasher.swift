#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// Computes the SHA-256 digest of files, reading each through one buffer that it reuses.
///
/// A file is read from start to end with `read(2)` into the buffer: no allocation happens per
/// file. The hasher stats the open file before and after reading, and when size, modification
/// time, change time or inode moved, it reads the file again, up to `maximumAttempts` times.
/// Holes of sparse files read as zeros, as their content is defined. Not thread-safe: use one
/// hasher per thread (a copy gets its own buffer on its first use).
///
/// The hasher reads instead of mapping files with `mmap`: a file truncated by another process
/// while it is mapped raises SIGBUS on the next access, which would end the whole process.
public struct FileHasher {
    /// How many times a file that changes during the read is read again before giving up.
    public static let maximumAttempts = 3

    private final class Buffer {
        let bytes: UnsafeMutableRawBufferPointer

        init(size: Int) {
            bytes = .allocate(byteCount: size, alignment: 64)
        }

        deinit {
            bytes.deallocate()
        }
    }

    private var buffer: Buffer
    /// The compression kernel used for every file.
    public let backend: SHA256.Backend

    /// Creates a hasher that reads `bufferSize` bytes at a time (at least 64 KiB).
    public init(bufferSize: Int = 1 << 20) {
        self.init(bufferSize: bufferSize, backend: .preferred)
    }

    /// Creates a hasher that runs the SHA-256 kernel `backend` (`.portable` when the CPU lacks it).
    public init(bufferSize: Int = 1 << 20, backend: SHA256.Backend) {
        buffer = Buffer(size: max(bufferSize, 1 << 16))
        self.backend = backend.isSupported ? backend : .portable
    }

    /// Returns the digest of the content of the file at `path`, following symbolic links.
    ///
    /// - Throws: `HashingError.unreadableFile` naming `path` and the errno text,
    ///   `HashingError.notAFile` for a folder, FIFO or device, and
    ///   `HashingError.fileKeepsChanging` when every attempt saw the file change.
    public mutating func digest(ofFileAt path: String) throws(HashingError) -> Digest {
        try PathEncoding.withCString(path) { (cPath) throws(HashingError) in
            try hashFile(at: cPath, displayPath: path).digest
        }
    }

    /// Hashes the file at `path` and returns its digest with the status of the open file, which
    /// stayed the same from before the first byte was read to after the last.
    mutating func hashFile(at path: UnsafePointer<CChar>, displayPath: @autoclosure () -> String) throws(HashingError) -> (digest: Digest, status: FileStatus) {
        if !isKnownUniquelyReferenced(&buffer) {
            buffer = Buffer(size: buffer.bytes.count)
        }
        let descriptor: Int32
        do {
            descriptor = try retryingInterrupts("open", subject: displayPath()) { open(path, O_RDONLY | O_CLOEXEC) }
        } catch {
            throw .unreadableFile(path: displayPath(), cause: error)
        }
        defer { close(descriptor) }

        for _ in 0..<Self.maximumAttempts {
            let before = try status(of: descriptor, displayPath: displayPath())
            guard before.isRegularFile else {
                throw .notAFile(path: displayPath(), type: before.typeName)
            }
            let digest = try readDigest(of: descriptor, expectedSize: before.size, displayPath: displayPath())
            let after = try status(of: descriptor, displayPath: displayPath())
            if after == before {
                return (digest, before)
            }
            if lseek(descriptor, 0, SEEK_SET) < 0 {
                throw .unreadableFile(path: displayPath(), cause: SystemError(call: "lseek", subject: displayPath(), code: errno))
            }
        }
        throw .fileKeepsChanging(path: displayPath(), attempts: Self.maximumAttempts)
    }

    private func status(of descriptor: Int32, displayPath: @autoclosure () -> String) throws(HashingError) -> FileStatus {
        var status = stat()
        if fstat(descriptor, &status) != 0 {
            throw .unreadableFile(path: displayPath(), cause: SystemError(call: "fstat", subject: displayPath(), code: errno))
        }
        return FileStatus(status)
    }

    /// Reads the open file to its end. The read stops at `expectedSize` without the extra
    /// `read` that would return 0, because the status taken afterwards catches a file that grew.
    /// A size of 0 reads to the end, since files like those of /proc report no size.
    private func readDigest(of descriptor: Int32, expectedSize: Int64, displayPath: @autoclosure () -> String) throws(HashingError) -> Digest {
        var hasher = SHA256(backend: backend)
        let bytes = buffer.bytes
        var total: Int64 = 0
        if expectedSize > Int64(bytes.count) {
            _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        }
        while expectedSize == 0 || total < expectedSize {
            let count: Int
            do {
                count = try retryingInterrupts("read", subject: displayPath()) {
                    read(descriptor, bytes.baseAddress, bytes.count)
                }
            } catch {
                throw .unreadableFile(path: displayPath(), cause: error)
            }
            if count == 0 {
                break
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
            total += Int64(count)
        }
        return hasher.finalize()
    }
}
