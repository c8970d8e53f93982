// An artifact manifest lists the files that one successful run of a job collected into
// `artifacts/<job>/`. It is the unit that the action cache stores and restores.
//
// Each entry is a path relative to `artifacts/<job>/` with its permission bits. A regular file
// has its size in bytes and the SHA-256 of its contents, which names its blob in the blob store.
// A symbolic link has its target exactly as `readlink` returned it. Folders are not entries: they
// exist only to hold files, so an empty folder is not recorded.
//
// Canonical encoding, whose SHA-256 is the job's artifact digest (see `CanonicalEncoder` for
// how strings, numbers and lists are framed):
//
//     "dagrun-manifest", version (1), "entries", entry count, then for each entry by path bytes:
//       path, mode, then either "file", size, digest (32 bytes) or "link", target
//
// On disk a manifest is part of an action cache entry, as JSON:
//
//     {"entries": [{"path": "bin/app", "mode": 493, "size": 1024, "digest": "<64 hex>"},
//                  {"path": "current", "mode": 511, "linkTarget": "bin"}]}
//
// Decoding validates every path (relative, no `.` or `..` or empty components) because restore
// writes to them: a damaged entry must not write outside `artifacts/<job>/`.

import Hashing

/// The files one run of a job collected, sorted by path; its digest is the job's artifact digest.
public struct Manifest: Sendable, Hashable {
    /// One collected file or symbolic link.
    public struct Entry: Sendable, Hashable {
        /// The contents of an entry.
        public enum Content: Sendable, Hashable {
            /// A regular file: its size in bytes and the digest of its contents.
            case file(digest: Digest, size: Int64)
            /// A symbolic link, with its target as written (it may be relative or dangle).
            case symbolicLink(target: String)
        }

        /// The path under `artifacts/<job>/`, `/`-separated, without a leading or trailing `/`.
        public var path: String
        /// The permission bits (`mode & 0o7777`), such as `0o755`.
        public var mode: UInt32
        public var content: Content

        public init(path: String, mode: UInt32, content: Content) {
            self.path = path
            self.mode = mode & 0o7777
            self.content = content
        }

        /// The file's size in bytes, or the byte count of a link's target.
        public var size: Int64 {
            switch content {
            case .file(_, let size): size
            case .symbolicLink(let target): Int64(target.utf8.count)
            }
        }

        /// The digest of a file's contents; nil for a symbolic link.
        public var digest: Digest? {
            if case .file(let digest, _) = content { digest } else { nil }
        }

        /// The target of a symbolic link; nil for a regular file.
        public var linkTarget: String? {
            if case .symbolicLink(let target) = content { target } else { nil }
        }
    }

    /// The version of the canonical encoding; changing the encoding must change it.
    public static let formatVersion = 1

    /// The entries, sorted by the UTF-8 bytes of their paths, with unique paths.
    public let entries: [Entry]

    /// The manifest of a job that collected nothing.
    public static let empty = Manifest(validatedEntries: [])

    /// Creates a manifest from entries in any order.
    ///
    /// - Throws: `ArtifactError.invalidManifestPath` for a path that is empty, absolute or has
    ///   an empty, `.` or `..` component, and `ArtifactError.conflictingManifestPaths` when two
    ///   entries have the same path or one entry's path is inside another's.
    public init(entries: [Entry]) throws(ArtifactError) {
        let sorted = entries.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        for entry in sorted {
            try Self.validate(entry.path)
        }
        let paths = Set(sorted.map(\.path))
        for (index, entry) in sorted.enumerated() {
            if index > 0, sorted[index - 1].path == entry.path {
                throw .conflictingManifestPaths(entry.path, entry.path)
            }
            for ancestor in Self.ancestors(of: entry.path) where paths.contains(ancestor) {
                throw .conflictingManifestPaths(ancestor, entry.path)
            }
        }
        self.entries = sorted
    }

    private init(validatedEntries: [Entry]) {
        self.entries = validatedEntries
    }

    /// The SHA-256 of the canonical encoding described at the top of this file.
    public var digest: Digest {
        var encoder = CanonicalEncoder()
        encoder.append("dagrun-manifest")
        encoder.append(Self.formatVersion)
        encoder.appendList("entries", entries) { encoder, entry in
            encoder.append(entry.path)
            encoder.append(Int(entry.mode))
            switch entry.content {
            case .file(let digest, let size):
                encoder.append("file")
                encoder.append(UInt64(size))
                encoder.append(digest)
            case .symbolicLink(let target):
                encoder.append("link")
                encoder.append(target)
            }
        }
        return encoder.finalize()
    }

    /// The sum of the entries' sizes, in bytes.
    public var totalSize: Int64 {
        entries.reduce(0) { $0 + $1.size }
    }

    /// The digests of the blobs that restoring this manifest reads.
    public var blobDigests: Set<Digest> {
        Set(entries.compactMap(\.digest))
    }

    static func validate(_ path: String) throws(ArtifactError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        let isValid = !path.isEmpty
            && !path.utf8.contains(0)
            && components.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
        if !isValid {
            throw .invalidManifestPath(path)
        }
    }

    /// Returns the folders that contain `path`: "a/b/c" has "a" and "a/b".
    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var prefix = ""
        for component in path.split(separator: "/").dropLast() {
            prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
            result.append(prefix)
        }
        return result
    }
}
