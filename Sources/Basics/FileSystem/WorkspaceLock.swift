#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The exclusive lock that `run` and a running `watch` cycle hold on a workspace (`.dagrun/lock`).
///
/// It is an `flock` on the lock file, so the kernel drops it when the holder exits or crashes,
/// and a stale file never blocks anyone. The holder writes its PID into the file so that a
/// waiting process can say which process it waits for.
public final class WorkspaceLock {
    /// The lock file's path.
    public let path: String
    private var descriptor: Int32 = -1

    public init(path: String) {
        self.path = path
    }

    deinit {
        release()
    }

    /// Takes the lock without waiting; returns false when another process holds it.
    public func tryAcquire() throws(SystemError) -> Bool {
        try openIfNeeded()
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            recordOwner()
            return true
        }
        let code = errno
        if code == EWOULDBLOCK { return false }
        throw SystemError(call: "flock", subject: path, code: code)
    }

    /// Takes the lock, waiting as long as another process holds it.
    ///
    /// - Parameter onWait: called once, with the holder's PID when the file names one, before
    ///   the wait begins; not called when the lock is free.
    public func acquire(onWait: (Int32?) -> Void) throws(SystemError) {
        if try tryAcquire() { return }
        onWait(currentOwner())
        try retryingInterrupts("flock", subject: path) { flock(descriptor, LOCK_EX) }
        recordOwner()
    }

    /// Takes the lock, and prints on `console`'s standard error which process it waits for when
    /// another one holds it.
    ///
    /// - Parameter displayPath: the lock file's path as the user should see it.
    public func acquire(reportingTo console: Console, displayPath: String) throws(SystemError) {
        try acquire { owner in
            let holder = owner.map { "process \($0)" } ?? "another dagrun process"
            console.line("dagrun: waiting for \(holder), which holds the workspace lock \(displayPath)", to: .error)
        }
    }

    /// Releases the lock. Calling it again does nothing.
    public func release() {
        guard descriptor >= 0 else { return }
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    /// Returns the PID written by the current holder, or nil when the file contains none.
    public func currentOwner() -> Int32? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        return readPID(from: file)
    }

    private func openIfNeeded() throws(SystemError) {
        guard descriptor < 0 else { return }
        descriptor = try retryingInterrupts("open", subject: path) {
            open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        }
    }

    private func recordOwner() {
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }
}

/// Reads a decimal PID from the first line of `file`; returns nil when there is none.
private func readPID(from file: UnsafeMutablePointer<FILE>) -> Int32? {
    var buffer = [CChar](repeating: 0, count: 32)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
    let digits = buffer.prefix { $0 >= 0x30 && $0 <= 0x39 }.map { UInt8(bitPattern: $0) }
    return Int32(String(decoding: digits, as: UTF8.self))
}
