import CSystem

/// The two descriptors of a new pipe, both created close-on-exec.
///
/// `pipe2` with `O_CLOEXEC` sets the flag atomically, so a child spawned by another thread at
/// the same moment never inherits either end. The caller owns both descriptors and closes them.
public struct PipeDescriptors: Sendable {
    /// The end that `read` and `poll` use.
    public let reader: Int32
    /// The end that `write` uses; closing it makes `poll` on `reader` return `POLLHUP`.
    public let writer: Int32

    /// Creates a pipe.
    ///
    /// - Throws: `SystemError` from `pipe2`, such as `EMFILE` when the process has no descriptor
    ///   left.
    public static func make() throws(SystemError) -> PipeDescriptors {
        var descriptors: [Int32] = [-1, -1]
        try retryingInterrupts("pipe2") { csystem_pipe_cloexec(&descriptors) }
        return PipeDescriptors(reader: descriptors[0], writer: descriptors[1])
    }
}
