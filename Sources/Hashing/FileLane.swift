#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// One of the two files that a `TwoLaneHasher` reads at a time: its descriptor, its own read
/// buffer, the bytes read but not yet hashed, and the hash of the bytes before them.
///
/// The lane keeps the `FileHasher` rules for each file. It stats the open file before the first
/// read and after the last, reads it again from the start when the two differ (up to
/// `FileHasher.maximumAttempts` reads), reads sparse holes as zeros and rejects anything but a
/// regular file. The buffer is allocated once per lane, not per file. Not thread-safe.
final class FileLane {
    private let buffer: UnsafeMutableRawBufferPointer
    /// The item of the open file, or nil when the lane has no file.
    private(set) var item: Int?
    private var descriptor: Int32 = -1
    /// The status of the open file before the first read of the current attempt.
    private var before = FileStatus(size: 0, modificationTime: 0, changeTime: 0, inode: 0, mode: 0)
    private var attempt = 0
    /// The hash of the bytes before `buffer[start..<end]`.
    var hash: SHA256
    /// The bytes read but not yet hashed are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    /// The bytes read from the file in the current attempt.
    private var readCount: Int64 = 0
    /// Whether the current attempt has read the whole file.
    private(set) var isAtEnd = false

    /// Creates a lane that reads `bufferSize` bytes at a time (at least 64 KiB) and hashes on
    /// `backend`.
    init(bufferSize: Int, backend: SHA256.Backend) {
        buffer = .allocate(byteCount: max(bufferSize, 1 << 16), alignment: 64)
        hash = SHA256(backend: backend)
    }

    deinit {
        close()
        buffer.deallocate()
    }

    /// The number of whole 64-byte blocks read but not yet hashed.
    var wholeBlockCount: Int { (end - start) / 64 }

    /// The first byte read but not yet hashed.
    var unhashedBytes: UnsafeRawPointer { UnsafeRawPointer(buffer.baseAddress! + start) }

    /// Marks `blockCount` whole blocks at `unhashedBytes` as hashed.
    func consume(blockCount: Int) {
        start += blockCount * 64
    }

    /// Hashes every whole block read so far on this lane alone.
    func hashWholeBlocks() {
        let blockCount = wholeBlockCount
        hash.update(UnsafeRawBufferPointer(start: unhashedBytes, count: blockCount * 64))
        consume(blockCount: blockCount)
    }

    /// Opens the file at `path` for `item` and takes its status before reading. A relative
    /// `path` starts at the folder `directory`, or at the working directory for `AT_FDCWD`.
    ///
    /// The open does not block on a FIFO, which then fails the regular-file check.
    /// - Throws: `HashingError.unreadableFile` (with the `open` call's errno when the file is
    ///   gone) or `HashingError.notAFile`. The lane then has no file.
    func open(_ path: UnsafePointer<CChar>, relativeTo directory: Int32, item: Int, displayPath: @autoclosure () -> String) throws(HashingError) {
        close()
        do {
            // Named "open" in errors, like `FileHasher`'s, so callers match one call name.
            descriptor = try retryingInterrupts("open", subject: displayPath()) {
                openat(directory, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            }
        } catch {
            throw .unreadableFile(path: displayPath(), cause: error)
        }
        self.item = item
        attempt = 1
        do {
            try startAttempt(displayPath: displayPath())
        } catch {
            close()
            throw error
        }
    }

    /// Reads the next bytes of the file after moving the incomplete block left over to the start
    /// of the buffer. Call it when `wholeBlockCount` is 0 and the lane is not at the end.
    ///
    /// The read stops at the size stat reported, without the extra `read` that would return 0,
    /// because the status taken afterwards catches a file that grew. A size of 0 reads to the
    /// end, since files like those of /proc report no size.
    func readMore(displayPath: @autoclosure () -> String) throws(HashingError) {
        let leftover = end - start
        if start > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: leftover)
            start = 0
            end = leftover
        }
        let count: Int
        do {
            count = try retryingInterrupts("read", subject: displayPath()) {
                read(descriptor, buffer.baseAddress! + end, buffer.count - end)
            }
        } catch {
            throw .unreadableFile(path: displayPath(), cause: error)
        }
        end += count
        readCount += Int64(count)
        isAtEnd = count == 0 || (before.size > 0 && readCount >= before.size)
    }

    /// Completes the file once the lane is at its end and has hashed every whole block.
    ///
    /// Returns the digest and the status of the file when the status after the read equals the
    /// one before, and closes the file. Returns nil when the file changed during the read: the
    /// lane then starts reading it again from the start.
    /// - Throws: `HashingError.fileKeepsChanging` after `FileHasher.maximumAttempts` changed
    ///   reads, or `HashingError.unreadableFile` when a `fstat` or `lseek` fails.
    func finish(displayPath: @autoclosure () -> String) throws(HashingError) -> (digest: Digest, status: FileStatus)? {
        let after = try status(displayPath: displayPath())
        if after == before {
            var finalHash = hash
            finalHash.update(UnsafeRawBufferPointer(start: unhashedBytes, count: end - start))
            let status = before
            close()
            return (finalHash.finalize(), status)
        }
        guard attempt < FileHasher.maximumAttempts else {
            throw .fileKeepsChanging(path: displayPath(), attempts: FileHasher.maximumAttempts)
        }
        if lseek(descriptor, 0, SEEK_SET) < 0 {
            throw .unreadableFile(path: displayPath(), cause: SystemError(call: "lseek", subject: displayPath(), code: errno))
        }
        attempt += 1
        try startAttempt(displayPath: displayPath())
        return nil
    }

    /// Closes the open file, if any, and leaves the lane without a file.
    func close() {
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
        item = nil
    }

    /// Takes the status before the read and empties the buffer and the hash.
    private func startAttempt(displayPath: @autoclosure () -> String) throws(HashingError) {
        before = try status(displayPath: displayPath())
        guard before.isRegularFile else {
            throw .notAFile(path: displayPath(), type: before.typeName)
        }
        hash = SHA256(backend: hash.backend)
        start = 0
        end = 0
        readCount = 0
        isAtEnd = false
        if before.size > Int64(buffer.count) {
            _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        }
    }

    private func status(displayPath: @autoclosure () -> String) throws(HashingError) -> FileStatus {
        var status = stat()
        if fstat(descriptor, &status) != 0 {
            throw .unreadableFile(path: displayPath(), cause: SystemError(call: "fstat", subject: displayPath(), code: errno))
        }
        return FileStatus(status)
    }
}
