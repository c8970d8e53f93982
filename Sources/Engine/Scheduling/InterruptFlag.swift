import Synchronization

/// Set once when the user interrupts dagrun (SIGINT or SIGTERM); read by the scheduler and the
/// job pipeline so that nothing new starts and interrupted jobs are not recorded as failures.
public final class InterruptFlag: Sendable {
    private let value = Atomic<Bool>(false)

    public init() {}

    public var isSet: Bool { value.load(ordering: .acquiring) }

    /// Sets the flag and returns whether it was already set.
    @discardableResult
    public func set() -> Bool {
        value.exchange(true, ordering: .acquiringAndReleasing)
    }
}
