#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Dispatch
import Synchronization

/// Observes SIGINT and SIGTERM without a Swift signal handler, so dagrun can stop its jobs and
/// exit 130 instead of dying with them half-run.
///
/// `install` sets each signal's disposition to ignored, then listens with a
/// `DispatchSourceSignal`. Once the source is registered, libdispatch replaces the ignored
/// disposition with its own C handler, which only wakes the source, and the Swift handler runs on a
/// dispatch queue. A signal that arrives between the two steps is lost. Children start with
/// default dispositions whatever dagrun's are, because `ChildProcess` resets them.
///
/// A typical handler stops every job and exits:
///
/// ```swift
/// InterruptListener.install { _ in
///     Task {
///         await ProcessGroupRegistry.shared.terminateAll(grace: .seconds(2))
///         exit(130)
///     }
/// }
/// ```
public enum InterruptListener {
    /// The signals that an interrupt of dagrun consists of.
    public static let interruptSignals: [Int32] = [SIGINT, SIGTERM]

    /// A signal source that is never touched again after `install` resumed it.
    private struct InstalledSource: @unchecked Sendable {
        var source: any DispatchSourceSignal
    }

    /// The installed sources, kept alive for the life of the process.
    private static let sources = Mutex<[InstalledSource]>([])

    /// Starts calling `handler` with the signal number each time one of `signals` arrives.
    ///
    /// The handler runs on a serial dispatch queue, never inside a C signal handler, so it may do
    /// anything. It is called again for a repeated signal: a second Ctrl-C while the first is being
    /// handled reaches it too. Installing more than once adds listeners; none is ever removed.
    /// Tests must not call this, because it changes the dispositions of the whole test process.
    public static func install(
        signals: [Int32] = interruptSignals,
        handler: @escaping @Sendable (Int32) -> Void
    ) {
        let queue = DispatchQueue(label: "dagrun.interrupt")
        for signalNumber in signals {
            // Without this, the default action would end dagrun before the source runs.
            _ = signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                handler(signalNumber)
            }
            source.resume()
            sources.withLock { $0.append(InstalledSource(source: source)) }
        }
    }
}
