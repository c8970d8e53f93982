import Foundation
import Synchronization
import Watcher

/// Collects a watcher's batches on a task, so tests can wait for them with a time limit.
final class BatchCollector: Sendable {
    private final class Received: Sendable {
        let batches = Mutex<[ChangeBatch]>([])
        let isFinished = Mutex(false)
    }

    private let received = Received()
    private let consumed = Mutex(0)

    init(_ watcher: FileWatcher) {
        let stream = watcher.batches
        Task { [received] in
            for await batch in stream {
                received.batches.withLock { $0.append(batch) }
            }
            received.isFinished.withLock { $0 = true }
        }
    }

    /// True once the watcher's stream has finished.
    var hasFinished: Bool { received.isFinished.withLock { $0 } }

    /// Returns the next batch not returned before, or nil when none comes within `limit`.
    func nextBatch(within limit: Duration = .seconds(5)) async -> ChangeBatch? {
        let deadline = ContinuousClock.now + limit
        while true {
            let next: ChangeBatch? = received.batches.withLock { batches in
                consumed.withLock { index in
                    guard index < batches.count else {
                        return nil
                    }
                    index += 1
                    return batches[index - 1]
                }
            }
            if let next {
                return next
            }
            if ContinuousClock.now >= deadline {
                return nil
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Returns the changes of the batches that come until every path in `paths` was reported, or
    /// until `limit` passes. A path reported in several batches gets the union of its kinds.
    func changes(including paths: Set<String>, within limit: Duration = .seconds(5)) async -> [String: ChangeKind] {
        var seen: [String: ChangeKind] = [:]
        let deadline = ContinuousClock.now + limit
        while !paths.isSubset(of: Set(seen.keys)) {
            let remaining = deadline - .now
            guard remaining > .zero, let batch = await nextBatch(within: remaining) else {
                break
            }
            for change in batch.changes {
                seen[change.path, default: []].formUnion(change.kinds)
            }
        }
        return seen
    }

    /// Waits `duration` and returns the batches that came meanwhile; "nothing came" is an empty result.
    func batches(during duration: Duration = .milliseconds(300)) async -> [ChangeBatch] {
        try? await Task.sleep(for: duration)
        var result: [ChangeBatch] = []
        while let batch = await nextBatch(within: .zero) {
            result.append(batch)
        }
        return result
    }
}
