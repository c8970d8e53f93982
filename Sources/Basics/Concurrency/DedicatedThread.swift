#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CSystem

/// A thread of its own for work that blocks for long, such as waiting on a child process, so
/// that it holds neither a Swift concurrency thread nor one of Dispatch's.
///
/// It runs on a plain POSIX thread, which keeps Foundation out of `Basics`: loading Foundation
/// costs a few milliseconds of start-up in every program that links it.
public enum DedicatedThread {
    /// Starts `body` on a new detached thread named `name`, of which 15 bytes are kept.
    /// - Throws: `SystemError` naming `pthread_create` when the thread cannot be started.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let box = Unmanaged.passRetained(Work(name: name, body: body))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let code = pthread_create(&thread, &attributes, { context in
            let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
            csystem_set_thread_name(work.name)
            work.body()
            return nil
        }, box.toOpaque())
        if code != 0 {
            box.release()
            throw SystemError(call: "pthread_create", subject: name, code: code)
        }
    }

    private final class Work {
        let name: String
        let body: @Sendable () -> Void

        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
