#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// Stats the paths of a batch under a root, looking up each folder once instead of once per file.
///
/// The paths are taken in byte order, in chunks spread over all cores. For each run of paths in
/// the same folder the chunk opens the folder with `O_PATH` and calls `fstatat` on each name,
/// so the kernel resolves the folder's path once, as git's status does. A folder that cannot be
/// opened for another reason than being absent, and every symbolic link, goes through the
/// per-path `lstat` of `observe(_:displayPath:)`, which names the failing call.
struct PathObserver: Sendable {
    /// Paths per unit of parallel work: large enough that reopening a folder at a chunk's start
    /// costs little, small enough that both cores stay busy until the end.
    static let chunkSize = 256

    /// `O_PATH`, which Glibc's Swift module hides: a descriptor for lookups relative to a
    /// folder, which needs no read permission on it. The value of x86-64, arm64 and most other
    /// Linux architectures (not alpha, parisc or sparc).
    static let pathOnly: Int32 = 0o10_000_000

    let root: String
    let paths: PathList
    let displayPaths: [String]

    /// Returns the observation of each path, indexed by its position in byte order.
    func observeAll() -> [Observation] {
        let rootBytes = PathEncoding.bytes(of: root)
        let rootDescriptor = PathEncoding.withCString(root) { Glibc.open($0, Self.pathOnly | O_DIRECTORY | O_CLOEXEC) }
        defer {
            if rootDescriptor >= 0 {
                close(rootDescriptor)
            }
        }
        let chunkCount = (paths.count + Self.chunkSize - 1) / Self.chunkSize
        return [Observation](unsafeUninitializedCapacity: paths.count) { buffer, initializedCount in
            let output = UninitializedSlots(buffer: buffer)
            _ = ParallelWork.map(count: chunkCount, minimumParallelCount: 8, makeContext: {}) { chunk, _ in
                let positions = chunk * Self.chunkSize..<min(paths.count, (chunk + 1) * Self.chunkSize)
                observe(positions, into: output, rootBytes: rootBytes, rootDescriptor: rootDescriptor)
            }
            initializedCount = paths.count
        }
    }

    /// Observes the paths at `positions`, opening each folder they are in once.
    private func observe(_ positions: Range<Int>, into output: UninitializedSlots<Observation>, rootBytes: [UInt8], rootDescriptor: Int32) {
        var folder = Folder.unopened
        var folderSpan = (start: -1, count: -1)
        defer { folder.close() }

        for position in positions {
            let index = paths.index(atSortedPosition: position)
            let start = paths.span(of: index).start
            let parentCount = paths.parentLength(of: index)
            let isSameFolder = parentCount == folderSpan.count
                && paths.bytes[start..<start + parentCount].elementsEqual(paths.bytes[folderSpan.start..<folderSpan.start + parentCount])
            if !isSameFolder {
                folder.close()
                folder = open(parentOf: index, parentCount: parentCount, rootDescriptor: rootDescriptor)
                folderSpan = (start, parentCount)
            }
            let nameStart = parentCount == 0 ? start : start + parentCount + 1
            let observation: Observation
            switch folder {
            case .absent:
                observation = .missing
            case .root(let descriptor), .opened(let descriptor):
                observation = statAt(descriptor, nameStart: nameStart, index: index, rootBytes: rootBytes)
            case .unopened, .unusable:
                observation = fallback(index, rootBytes: rootBytes)
            }
            output.initialize(position, to: observation)
        }
    }

    /// Stats one name in an open folder, and a symbolic link by its whole path.
    private func statAt(_ descriptor: Int32, nameStart: Int, index: Int, rootBytes: [UInt8]) -> Observation {
        var status = stat()
        let result = paths.bytes.withUnsafeBytes { all in
            fstatat(descriptor, all.baseAddress!.advanced(by: nameStart).assumingMemoryBound(to: CChar.self), &status, AT_SYMLINK_NOFOLLOW)
        }
        if result != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                return .missing
            }
            return .failed(.unreadableFile(path: displayPaths[index], cause: SystemError(call: "lstat", subject: displayPaths[index], code: code)))
        }
        let fileStatus = FileStatus(status)
        if fileStatus.isSymbolicLink {
            return fallback(index, rootBytes: rootBytes)
        }
        return .file(fileStatus)
    }

    private func fallback(_ index: Int, rootBytes: [UInt8]) -> Observation {
        paths.withPath(index) { relative in
            Self.observe(absolutePath(rootBytes, relative), displayPath: displayPaths[index])
        }
    }

    /// Opens the folder of path `index` relative to the root.
    private func open(parentOf index: Int, parentCount: Int, rootDescriptor: Int32) -> Folder {
        guard rootDescriptor >= 0 else { return .unusable }
        guard parentCount > 0 else { return .root(rootDescriptor) }
        let start = paths.span(of: index).start
        var parent = Array(paths.bytes[start..<start + parentCount])
        parent.append(0)
        let descriptor = parent.withUnsafeBytes { raw in
            openat(rootDescriptor, raw.baseAddress!.assumingMemoryBound(to: CChar.self), Self.pathOnly | O_DIRECTORY | O_CLOEXEC)
        }
        if descriptor >= 0 {
            return .opened(descriptor)
        }
        let code = errno
        return code == ENOENT || code == ENOTDIR ? .absent : .unusable
    }

    /// Stats one path: `lstat`, and for a link also `readlink` and `stat`.
    static func observe(_ path: [UInt8], displayPath: String) -> Observation {
        path.withUnsafeBufferPointer { buffer in
            let cPath = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            do throws(SystemError) {
                guard let status = try FileSystem.linkStatus(cPath, displayPath: displayPath) else {
                    return .missing
                }
                guard status.isSymbolicLink else {
                    return .file(status)
                }
                let target = try FileSystem.linkTarget(cPath, displayPath: displayPath)
                return .link(target: target, targetStatus: FileSystem.targetStatus(cPath), linkStatus: status)
            } catch {
                return .failed(.unreadableFile(path: displayPath, cause: error))
            }
        }
    }
}

/// A folder of the batch as `PathObserver` opened it.
private enum Folder {
    /// Nothing opened yet.
    case unopened
    /// The root's descriptor, which the observer closes at the end.
    case root(Int32)
    /// A descriptor of a subfolder, closed when the next folder is opened.
    case opened(Int32)
    /// The folder does not exist (`ENOENT` or `ENOTDIR`), so neither do its files.
    case absent
    /// The folder could not be opened for another reason: stat each path whole, for its error.
    case unusable

    mutating func close() {
        if case .opened(let descriptor) = self {
            Glibc.close(descriptor)
        }
        self = .unopened
    }
}

/// Returns the NUL-terminated bytes of `root/relative`.
func absolutePath(_ root: [UInt8], _ relative: some Collection<UInt8>) -> [UInt8] {
    var path = root
    path.reserveCapacity(root.count + relative.count + 2)
    path.append(UInt8(ascii: "/"))
    path.append(contentsOf: relative)
    path.append(0)
    return path
}
