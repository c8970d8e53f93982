#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Hashing

extension FileOperations {
    /// The size of each `read` while copying or hashing: 64 KiB.
    static let chunkSize = 64 * 1024

    /// Returns the whole contents of the file at `path`.
    static func readFile(_ path: String) throws(SystemError) -> [UInt8] {
        let descriptor = try openFile(path, flags: O_RDONLY)
        defer { close(descriptor) }

        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = try readChunk(descriptor, into: &chunk, path: path)
            if count == 0 {
                return contents
            }
            contents.append(contentsOf: chunk.prefix(count))
        }
    }

    /// Writes `contents` to `path` so that readers see the old file or the new one, never a part.
    ///
    /// The bytes go to a temporary file in `temporaryDirectory` (the destination's folder when
    /// nil), which must be on the same file system, and the file is renamed over `path`.
    ///
    /// There is no `fsync`: it cost about 4 ms per call on the development machine, two per job,
    /// which doubled the time of a run of trivial jobs. After a power loss a renamed file may be
    /// empty or short, and every reader of these files (action entries, job state) already
    /// treats a damaged file as missing, with a warning, so the cost is a re-run.
    static func writeFileAtomically(
        _ contents: [UInt8],
        to path: String,
        temporaryDirectory: String? = nil,
        mode: mode_t = 0o644
    ) throws(SystemError) {
        let folder = temporaryDirectory ?? parentPath(of: path)
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".tmp-" + uniqueSuffix()
        let descriptor = try openFile(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        var failure: SystemError?
        do throws(SystemError) {
            try writeAll(contents, to: descriptor, path: temporary)
        } catch {
            failure = error
        }
        close(descriptor)
        if failure == nil {
            do throws(SystemError) {
                try rename(temporary, to: path)
            } catch {
                failure = error
            }
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// Copies the file at `source` to a new file at `destination`, returning its digest and size.
    ///
    /// `destination` must not exist yet. It gets exactly `mode` (the umask does not apply).
    /// The digest covers the bytes that were written, so a file that changes during the copy
    /// still gets the digest of what was copied.
    static func copyFile(
        from source: String,
        to destination: String,
        mode: mode_t
    ) throws(SystemError) -> (digest: Digest, size: Int64) {
        let input = try openFile(source, flags: O_RDONLY)
        defer { close(input) }
        let output = try openFile(destination, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        defer { close(output) }

        var hasher = SHA256()
        var size: Int64 = 0
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = try readChunk(input, into: &chunk, path: source)
            if count == 0 {
                break
            }
            let piece = Array(chunk.prefix(count))
            hasher.update(piece)
            try writeAll(piece, to: output, path: destination)
            size += Int64(count)
        }
        try retryingInterrupts("fchmod", subject: destination) { fchmod(output, mode) }
        return (hasher.finalize(), size)
    }

    static func openFile(_ path: String, flags: Int32, mode: mode_t = 0) throws(SystemError) -> Int32 {
        try retryingInterrupts("open", subject: path) { open(path, flags | O_CLOEXEC, mode) }
    }

    private static func readChunk(
        _ descriptor: Int32,
        into chunk: inout [UInt8],
        path: String
    ) throws(SystemError) -> Int {
        try retryingInterrupts("read", subject: path) {
            chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = try retryingInterrupts("write", subject: path) {
                bytes.withUnsafeBytes { raw in
                    write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                }
            }
            offset += written
        }
    }
}
