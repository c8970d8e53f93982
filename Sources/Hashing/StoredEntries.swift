/// The index entries of a batch's paths by sorted position, looked up on all cores when the
/// batch is large.
///
/// A large batch is cut into one run of positions per worker. Each worker merges its run with
/// its range of the `files` table through a connection of its own, the first through the
/// caller's. The runs may see different committed states of the index, which is harmless: each
/// entry is a file's stat data and digest as they were once seen together.
struct StoredEntries {
    /// From this many paths on, the lookup is split among the workers.
    static let parallelThreshold = 16_384

    private var runs: [[IndexEntry?]]
    private let runLength: Int

    /// Looks up every path of `paths` in the index at `indexPath`, whose open connection is
    /// `connection`. The caller holds the index lock, so no one else uses `connection`.
    init(paths: PathList, connection: SQLiteConnection, indexPath: String) throws(SQLiteError) {
        let runCount = paths.count < Self.parallelThreshold ? 1 : ParallelWork.workerCount
        runLength = max(1, (paths.count + runCount - 1) / runCount)
        let shared = SharedConnection(connection: connection)
        let length = runLength
        let outcomes = ParallelWork.map(count: runCount, minimumParallelCount: 2, makeContext: {}) { run, _ in
            Result { () throws(SQLiteError) -> [IndexEntry?] in
                let positions = min(paths.count, run * length)..<min(paths.count, (run + 1) * length)
                let reader = run == 0 ? shared.connection : try SQLiteConnection(path: indexPath)
                var entries = [IndexEntry?](repeating: nil, count: positions.count)
                try IndexStore(reader).forEachEntry(of: paths, in: positions) { position, entry in
                    entries[position - positions.lowerBound] = entry
                }
                return entries
            }
        }
        runs = []
        runs.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            runs.append(try outcome.get())
        }
    }

    /// The entry of the path at sorted position `position`, or nil when it has none.
    subscript(position: Int) -> IndexEntry? {
        runs[position / runLength][position % runLength]
    }
}

/// The caller's connection, handed to the first worker of `StoredEntries`.
///
/// Unchecked: only that worker uses it, while the caller, which holds the index lock and so
/// owns the connection, waits for the workers to finish.
private struct SharedConnection: @unchecked Sendable {
    let connection: SQLiteConnection
}
