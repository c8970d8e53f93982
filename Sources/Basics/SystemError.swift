#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A failed system call: the call's name, the path or value it worked on, and `errno`.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    /// The C function that failed, such as `open` or `posix_spawn`.
    public var call: String
    /// The path or other value the call worked on, when there is one.
    public var subject: String?
    /// The `errno` value the call left.
    public var code: Int32

    public init(call: String, subject: String? = nil, code: Int32) {
        self.call = call
        self.subject = subject
        self.code = code
    }

    /// The C library's text for `code`, such as "No such file or directory".
    public var reason: String {
        String(cString: strerror(code))
    }

    public var description: String {
        if let subject {
            return "\(call) failed on '\(subject)': \(reason) (errno \(code))"
        }
        return "\(call) failed: \(reason) (errno \(code))"
    }
}

/// Runs `body` again while it fails with `EINTR`, and throws `SystemError` for any other failure.
///
/// `body` follows the C convention: a result of -1 means failure, with the cause in `errno`.
@discardableResult
public func retryingInterrupts<Result: BinaryInteger>(
    _ call: String,
    subject: String? = nil,
    _ body: () -> Result
) throws(SystemError) -> Result {
    while true {
        let result = body()
        if result != -1 {
            return result
        }
        let code = errno
        if code != EINTR {
            throw SystemError(call: call, subject: subject, code: code)
        }
    }
}
