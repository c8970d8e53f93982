// The benchmark driver for bench/hashing/run.sh. Each command prints one line of
// `key=value` figures, which run.sh copies into docs/benchmarks-hashing.md.
//
//   hash-bench sha256 MIB [portable|sha-ni|armv8]   hash a MIB-mebibyte buffer, best of 3
//   hash-bench tree ROOT INDEX                      hash the whole tree through the index
//
// `tree` with a missing INDEX is the cold tree hash; with an index from an earlier run it is
// the no-change check. Both report the process's peak resident memory.
import Glibc
import Hashing

func peakResidentKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func benchmarkSHA256(mebibytes: Int, backend: SHA256.Backend) {
    let count = mebibytes << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 64)
    defer { buffer.deallocate() }
    for offset in stride(from: 0, to: count, by: 8) {
        buffer.storeBytes(of: UInt64(offset) &* 0x9E37_79B9_7F4A_7C15, toByteOffset: offset, as: UInt64.self)
    }
    var best = Double.infinity
    var digest = Digest(words: (0, 0, 0, 0))
    for _ in 0..<3 {
        let start = ContinuousClock.now
        var hasher = SHA256(backend: backend)
        hasher.update(UnsafeRawBufferPointer(buffer))
        digest = hasher.finalize()
        best = min(best, seconds(since: start))
    }
    let rate = Double(count) / best / 1e6
    print("backend=\(SHA256(backend: backend).backend) bytes=\(count) seconds=\(best) megabytes_per_second=\(Int(rate)) digest=\(digest.shortHex)")
}

func benchmarkTree(root: String, indexPath: String) throws {
    let start = ContinuousClock.now
    let index = try HashIndex(path: indexPath)
    let tree = try index.hashTree(root: root)
    let elapsed = seconds(since: start)
    let statistics = index.statistics
    print(
        "files=\(tree.records.count) folders=\(tree.directories.count) read=\(statistics.filesRead) "
            + "bytes_read=\(statistics.bytesRead) folders_read=\(statistics.foldersRead) folders_reused=\(statistics.foldersReused) unchanged_trees=\(statistics.unchangedTrees) seconds=\(elapsed) peak_rss_kib=\(peakResidentKiB()) "
            + "root_digest=\(tree.directories[""]?.shortHex ?? "none")"
    )
}

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "sha256" where arguments.count >= 3:
    let backends: [String: SHA256.Backend] = ["portable": .portable, "sha-ni": .shaExtensions, "armv8": .armv8]
    let backend = arguments.count > 3 ? backends[arguments[3]] ?? .preferred : .preferred
    benchmarkSHA256(mebibytes: Int(arguments[2]) ?? 1024, backend: backend)
case "tree" where arguments.count == 4:
    do {
        try benchmarkTree(root: arguments[2], indexPath: arguments[3])
    } catch {
        print("hash-bench: error: \(error)")
        exit(1)
    }
default:
    print("usage: hash-bench sha256 MIB [portable|sha-ni|armv8] | hash-bench tree ROOT INDEX")
    exit(2)
}
