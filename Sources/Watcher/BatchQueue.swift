import Synchronization

/// The batches that arrived while watch mode was busy, merged into one, with a wait for the next.
///
/// A feeding task appends every batch a `FileWatcher` hands over; the cycle loop takes whatever
/// gathered since its last take as one batch. So changes made during a run start exactly one
/// more cycle when it ends, however many batches they came in. Thread-safe.
final class BatchQueue: Sendable {
    private struct State {
        var pending: ChangeBatch?
        var waiter: CheckedContinuation<ChangeBatch?, Never>?
        var isClosed = false
    }

    private let state = Mutex(State())

    /// Adds `batch` to what is pending, or hands it to a waiting `next()`; dropped once closed.
    func append(_ batch: ChangeBatch) {
        let waiter: CheckedContinuation<ChangeBatch?, Never>? = state.withLock { state in
            guard !state.isClosed else {
                return nil
            }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = state.pending.map { $0.merging(batch) } ?? batch
            return nil
        }
        waiter?.resume(returning: batch)
    }

    /// Returns everything pending as one batch, waiting for a batch when none is; nil once the queue
    /// is closed.
    ///
    /// Only one caller may wait at a time.
    func next() async -> ChangeBatch? {
        await withCheckedContinuation { continuation in
            let result: ChangeBatch?? = state.withLock { state in
                if state.isClosed {
                    return .some(nil)
                }
                if let pending = state.pending {
                    state.pending = nil
                    return .some(pending)
                }
                state.waiter = continuation
                return .none
            }
            if let result {
                continuation.resume(returning: result)
            }
        }
    }

    /// Returns and removes what is pending without waiting, or nil when nothing is.
    func takePending() -> ChangeBatch? {
        state.withLock { state in
            defer { state.pending = nil }
            return state.pending
        }
    }

    /// Ends the queue: a waiting `next()` returns nil, and so does every later one.
    func close() {
        let waiter = state.withLock { state in
            state.isClosed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Appends every batch of `watcher` until its stream finishes.
    ///
    /// - Returns: The feeding task; it ends by itself when the watcher stops.
    @discardableResult
    func feed(from watcher: FileWatcher) -> Task<Void, Never> {
        let batches = watcher.batches
        return Task { [self] in
            for await batch in batches {
                append(batch)
            }
        }
    }
}

extension ChangeBatch {
    /// Returns this batch with `other`'s changes, rescan request and warnings added.
    ///
    /// A path in both keeps the union of its kinds, and the result stays sorted by path.
    public func merging(_ other: ChangeBatch) -> ChangeBatch {
        var kindsByPath: [String: ChangeKind] = [:]
        for change in changes + other.changes {
            kindsByPath[change.path, default: []].formUnion(change.kinds)
        }
        var mergedWarnings = warnings
        for warning in other.warnings where !mergedWarnings.contains(warning) {
            mergedWarnings.append(warning)
        }
        return ChangeBatch(
            changes: kindsByPath.map { FileChange(path: $0.key, kinds: $0.value) }.sorted { $0.path < $1.path },
            isRescanNeeded: isRescanNeeded || other.isRescanNeeded,
            warnings: mergedWarnings
        )
    }
}
