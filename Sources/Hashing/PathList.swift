/// The raw bytes of a batch of relative paths, stored end to end in one buffer, with their
/// order by bytes.
///
/// One buffer instead of an array per path keeps a batch of 100,000 paths at about two
/// allocations, and lets the stat phase and the index merge compare paths without copying them.
/// Byte order is the order of the index's primary key, since SQLite compares BLOBs with memcmp.
struct PathList: Sendable {
    /// Every path's bytes, one after another, each followed by a NUL for the C calls.
    private(set) var bytes: [UInt8] = []
    /// The offset of each path in `bytes`, then the end of `bytes`. Path `i`'s NUL is at `starts[i + 1] - 1`.
    private var starts: [Int] = [0]
    /// Whether the paths were appended in byte order, so that `sortedOrder` is not needed.
    private var isSorted = true
    /// The path indices sorted by bytes, or nil when the paths came sorted.
    private var sortedOrder: [Int32]?

    /// Creates an empty list, for `append(folder:name:)` and then `sort()`.
    init() {}

    /// Collects the raw bytes of `paths` (see `PathEncoding`) and sorts them.
    init(_ paths: [String]) {
        bytes.reserveCapacity(paths.reduce(0) { $0 + $1.utf8.count + 1 })
        starts.reserveCapacity(paths.count + 1)
        for path in paths {
            if path.utf8.contains(0xF4) {
                bytes.append(contentsOf: PathEncoding.bytes(of: path))
            } else {
                bytes.append(contentsOf: path.utf8)
            }
            finishPath()
        }
        sort()
    }

    /// Appends `folder/name`, or `name` alone when `folder` is empty.
    mutating func append(folder: some Collection<UInt8>, name: some Collection<UInt8>) {
        if !folder.isEmpty {
            bytes.append(contentsOf: folder)
            bytes.append(UInt8(ascii: "/"))
        }
        bytes.append(contentsOf: name)
        finishPath()
    }

    private mutating func finishPath() {
        bytes.append(0)
        starts.append(bytes.count)
        let last = starts.count - 2
        if isSorted, last > 0, Self.compare(bytes, last, last - 1, starts: starts) < 0 {
            isSorted = false
        }
    }

    /// Computes the byte order, unless the paths were appended in it.
    mutating func sort() {
        guard !isSorted else {
            sortedOrder = nil
            return
        }
        let allBytes = bytes
        let allStarts = starts
        var order = Array(0..<Int32(truncatingIfNeeded: count))
        order.sort { Self.compare(allBytes, Int($0), Int($1), starts: allStarts) < 0 }
        sortedOrder = order
    }

    /// Whether the paths were appended in byte order, so that an index is a sorted position.
    var isInAppendOrder: Bool { isSorted }

    /// The number of paths.
    var count: Int { starts.count - 1 }

    /// Returns the index of the path at `position` in byte order.
    func index(atSortedPosition position: Int) -> Int {
        sortedOrder.map { Int($0[position]) } ?? position
    }

    /// Calls `body` with the bytes of path `index`, without its NUL.
    func withPath<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = starts[index]
        let end = starts[index + 1] - 1
        return try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[start..<end]))
        }
    }

    /// Returns the `String` of every path, by index, decoded as `PathEncoding` describes, in
    /// chunks on all cores.
    func strings() -> [String] {
        let chunkSize = 4096
        let chunkCount = (count + chunkSize - 1) / chunkSize
        return [String](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            let output = UninitializedSlots(buffer: buffer)
            _ = ParallelWork.map(count: chunkCount, minimumParallelCount: 2, makeContext: {}) { chunk, _ in
                for index in chunk * chunkSize..<min(count, (chunk + 1) * chunkSize) {
                    output.initialize(index, to: withPath(index) { PathEncoding.string(from: $0) })
                }
            }
            initializedCount = count
        }
    }

    /// Returns the offset of path `index` in `bytes` and its length without the NUL.
    func span(of index: Int) -> (start: Int, count: Int) {
        let start = starts[index]
        return (start, starts[index + 1] - 1 - start)
    }

    /// Compares `other` with path `index` as SQLite orders BLOBs: negative, zero or positive.
    func compare(_ other: UnsafeRawBufferPointer, withPath index: Int) -> Int {
        let (start, count) = span(of: index)
        return bytes.withUnsafeBytes { all in
            compareBytes(other, all.baseAddress! + start, count)
        }
    }

    /// Returns the length of the parent folder's part of path `index` (0 for a path at the top).
    func parentLength(of index: Int) -> Int {
        let (start, count) = span(of: index)
        var end = start + count
        while end > start {
            end -= 1
            if bytes[end] == UInt8(ascii: "/") {
                return end - start
            }
        }
        return 0
    }

    /// Compares path `first` with path `second` in byte order: negative, zero or positive.
    private static func compare(_ bytes: [UInt8], _ first: Int, _ second: Int, starts: [Int]) -> Int {
        bytes.withUnsafeBytes { all in
            let firstStart = starts[first]
            let secondStart = starts[second]
            let firstPath = UnsafeRawBufferPointer(rebasing: all[firstStart..<starts[first + 1] - 1])
            return compareBytes(firstPath, all.baseAddress! + secondStart, starts[second + 1] - 1 - secondStart)
        }
    }
}

/// Compares `first` with the `count` bytes at `second` as memcmp then length: negative, zero or positive.
func compareBytes(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawPointer, _ count: Int) -> Int {
    let shared = min(first.count, count)
    if shared > 0, let base = first.baseAddress {
        let order = memcmp(base, second, shared)
        if order != 0 {
            return Int(order)
        }
    }
    return first.count - count
}

#if canImport(Glibc)
import Glibc
#endif
