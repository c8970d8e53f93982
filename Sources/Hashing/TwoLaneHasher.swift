#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Computes the SHA-256 digests of many files, two at a time on one thread.
///
/// The SHA-NI round instruction waits for the result of the round before it, so one message
/// leaves the unit idle for part of each round. The hasher reads one file on each of two lanes
/// and runs the two-lane kernel on the whole blocks that both lanes have, so the rounds of one
/// file fill the waits of the other. When a lane's file ends, the lane finishes that digest on
/// its own (the last incomplete block and the padding) and opens the next file, while the other
/// lane keeps the blocks it has not hashed yet. On a backend without a two-lane kernel the
/// digests are the same and the lanes take turns.
///
/// Each file gets every guarantee of `FileHasher`: stat before and after the read with a new
/// read on change, no allocation per file beyond what the caller's path closure makes, and the
/// same errors. Not thread-safe: use one hasher per thread.
final class TwoLaneHasher {
    /// The digest of a file and the status it kept from before the first byte was read to after
    /// the last.
    typealias HashedFile = (digest: Digest, status: FileStatus)

    private let first: FileLane
    private let second: FileLane

    /// Creates a hasher with two lanes that each read `bufferSize` bytes at a time (at least
    /// 64 KiB) and hash on `backend` (`.portable` when the CPU lacks it).
    init(bufferSize: Int, backend: SHA256.Backend) {
        first = FileLane(bufferSize: bufferSize, backend: backend)
        second = FileLane(bufferSize: bufferSize, backend: backend)
    }

    /// Hashes the files of the items that `next` returns, until it returns nil, and passes
    /// each item's digest or error to `deliver` once, in the order the files end.
    ///
    /// - Parameters:
    ///   - directory: The folder descriptor that relative paths start at, or `AT_FDCWD` for
    ///     the working directory. Opening relative to the folder of a tree saves the kernel
    ///     the lookup of the folder's own path for every file.
    ///   - next: Returns the next item to hash, or nil when there is none. Once it returns
    ///     nil, it is not called again.
    ///   - path: Returns the NUL-terminated path bytes of an item, absolute or relative to
    ///     `directory`.
    ///   - displayPath: Returns the path of an item as errors name it.
    ///   - deliver: Receives each item with its result. A file that disappeared before its open
    ///     fails with `HashingError.unreadableFile` whose cause is `open` and `ENOENT`.
    func hashFiles(
        relativeTo directory: Int32 = AT_FDCWD,
        next: () -> Int?,
        path: (Int) -> [UInt8],
        displayPath: (Int) -> String,
        deliver: (Int, Result<HashedFile, HashingError>) -> Void
    ) {
        var itemsLeft = true

        // Brings `lane` to a state with at least one whole block to hash, finishing files and
        // opening new ones on the way, or leaves it without a file when no items are left.
        func prepare(_ lane: FileLane) {
            while true {
                guard let item = lane.item else {
                    guard itemsLeft, let item = next() else {
                        itemsLeft = false
                        return
                    }
                    open(lane, item: item)
                    continue
                }
                if lane.wholeBlockCount > 0 {
                    return
                }
                do throws(HashingError) {
                    if !lane.isAtEnd {
                        try lane.readMore(displayPath: displayPath(item))
                    } else if let hashed = try lane.finish(displayPath: displayPath(item)) {
                        deliver(item, .success(hashed))
                    }
                } catch {
                    lane.close()
                    deliver(item, .failure(error))
                }
            }
        }

        func open(_ lane: FileLane, item: Int) {
            let bytes = path(item)
            bytes.withUnsafeBufferPointer { buffer in
                let cPath = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                do throws(HashingError) {
                    try lane.open(cPath, relativeTo: directory, item: item, displayPath: displayPath(item))
                } catch {
                    deliver(item, .failure(error))
                }
            }
        }

        prepare(first)
        prepare(second)
        while first.item != nil && second.item != nil {
            let blockCount = min(first.wholeBlockCount, second.wholeBlockCount)
            let firstBlocks = first.unhashedBytes
            let secondBlocks = second.unhashedBytes
            SHA256.updateTwo(&first.hash, blocks: firstBlocks, &second.hash, blocks: secondBlocks, blockCount: blockCount)
            first.consume(blockCount: blockCount)
            second.consume(blockCount: blockCount)
            prepare(first)
            prepare(second)
        }

        // No items are left, so the lane that still has a file finishes it alone.
        for lane in [first, second] {
            while lane.item != nil {
                lane.hashWholeBlocks()
                prepare(lane)
            }
        }
    }

    /// Returns the digest and status of each file of `paths`, in the order of `paths`, read
    /// two at a time on the calling thread.
    func hashFiles(at paths: [String]) -> [Result<HashedFile, HashingError>] {
        var results: [Result<HashedFile, HashingError>?] = Array(repeating: nil, count: paths.count)
        var nextItem = 0
        hashFiles(
            next: {
                guard nextItem < paths.count else { return nil }
                defer { nextItem += 1 }
                return nextItem
            },
            path: { PathEncoding.bytes(of: paths[$0]) + [0] },
            displayPath: { paths[$0] },
            deliver: { results[$0] = $1 }
        )
        // `hashFiles` delivers every item that `next` returned.
        return results.map { $0! }
    }
}
