import Dispatch

/// Runs blocking `work` on a Dispatch thread and returns its result without blocking the caller.
///
/// Swift's cooperative pool has one thread per core, so file I/O, hashing and SQLite calls made
/// from a task would stall every other task; this hands them to Dispatch's own threads instead.
public func offload<Value: Sendable>(
    _ work: @escaping @Sendable () throws -> Value
) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try work() })
        }
    }
}
