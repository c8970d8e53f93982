import Dispatch

/// One transaction of index changes, stored on a serial queue of its own while the caller
/// hashes the next files, so that SQLite's work and the hashing overlap.
///
/// The transaction begins with the first non-empty `append(_:)`, so a batch without changes
/// writes nothing, and ends with `finish()`, which commits it, or rolls it back after a
/// failure. Between the first `append(_:)` and the return of `finish()`, only the queue may
/// use the connection. The transaction holds SQLite's write lock while the remaining files
/// are hashed, so another writer of the same index waits up to its busy timeout.
final class BackgroundWrite: @unchecked Sendable {
    // Unchecked: `store`, `hasBegun` and `failure` are used only on `queue`.
    private let queue = DispatchQueue(label: "dagrun.hash-index.write")
    private let store: IndexStore
    private var hasBegun = false
    private var failure: SQLiteError?

    init(_ store: IndexStore) {
        self.store = store
    }

    /// Queues `changes` for the transaction: an entry replaces the stored one, nil deletes it.
    func append(_ changes: [(key: [UInt8], entry: IndexEntry?)]) {
        guard !changes.isEmpty else { return }
        queue.async { [self] in
            guard failure == nil else { return }
            do throws(SQLiteError) {
                if !hasBegun {
                    try store.connection.execute("BEGIN IMMEDIATE")
                    hasBegun = true
                }
                try store.store(changes)
            } catch {
                failure = error
            }
        }
    }

    /// Waits for the queued changes, then commits them, or rolls them back after a failure.
    /// - Throws: the first `SQLiteError` of the transaction.
    func finish() throws(SQLiteError) {
        let firstFailure = queue.sync { [self] () -> SQLiteError? in
            guard hasBegun else { return failure }
            if failure == nil {
                do throws(SQLiteError) {
                    try store.connection.execute("COMMIT")
                    return nil
                } catch {
                    self.failure = error
                }
            }
            try? store.connection.execute("ROLLBACK")
            return self.failure
        }
        if let firstFailure {
            throw firstFailure
        }
    }
}
