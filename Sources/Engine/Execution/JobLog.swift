#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics
import Synchronization

/// The log file of one job run: every attempt's full output, in the order it arrived.
///
/// The file is `<log folder>/<job>.log` and holds only the latest run: opening it truncates it.
/// Each attempt starts with a line `--- attempt N ---`. Standard output and standard error
/// follow, interleaved in the order they were read. The bytes are written unchanged, with
/// nothing added between chunks.
/// Thread-safe: the executor writes headers while a monitor thread writes output.
final class JobLog: Sendable {
    let path: String

    private struct State {
        var descriptor: Int32
        /// The last byte written, so a header after output without a final line feed still
        /// starts on its own line.
        var lastByte: UInt8?
        /// The first write that failed; later writes are skipped.
        var error: SystemError?
    }

    private let state: Mutex<State>

    /// Creates the log folder if needed and opens `<folder>/<job>.log`, truncating it.
    init(folder: String, job: Job.Name) throws(SystemError) {
        try Self.createFolder(folder)
        let path = "\(folder)/\(job.rawValue).log"
        let descriptor = try retryingInterrupts("open", subject: path) {
            open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        }
        self.path = path
        self.state = Mutex(State(descriptor: descriptor))
    }

    /// Creates `folder` and its missing parents, as `mkdir -p` does.
    ///
    /// An existing folder costs one `stat`, which matters because every job's start calls this.
    private static func createFolder(_ folder: String) throws(SystemError) {
        try FileOperations.createDirectories(folder)
    }

    deinit {
        state.withLock { state in
            _ = close(state.descriptor)
        }
    }

    /// The first write error, if any write failed.
    var error: SystemError? {
        state.withLock { $0.error }
    }

    /// Writes the line `--- attempt N ---` that starts attempt `number`.
    func beginAttempt(_ number: Int) {
        state.withLock { state in
            var header = Array("--- attempt \(number) ---\n".utf8)
            if let lastByte = state.lastByte, lastByte != UInt8(ascii: "\n") {
                header.insert(UInt8(ascii: "\n"), at: 0)
            }
            Self.write(header, to: &state)
        }
    }

    /// Appends output bytes unchanged.
    func append(_ bytes: [UInt8]) {
        state.withLock { state in
            Self.write(bytes, to: &state)
        }
    }

    private static func write(_ bytes: [UInt8], to state: inout State) {
        guard state.error == nil, !bytes.isEmpty else {
            return
        }
        var offset = 0
        while offset < bytes.count {
            let descriptor = state.descriptor
            let result = bytes[offset...].withUnsafeBytes { buffer in
                Result { () throws(SystemError) -> Int in
                    try retryingInterrupts("write") { Glibc.write(descriptor, buffer.baseAddress, buffer.count) }
                }
            }
            switch result {
            case .success(let written):
                offset += written
            case .failure(let error):
                state.error = error
                return
            }
        }
        state.lastByte = bytes.last
    }
}
