/// One file of a tree, as the hash index records it.
public struct FileRecord: Sendable, Hashable {
    /// The path relative to the root: "/"-separated, without "./". Names that are not valid
    /// UTF-8 carry each invalid byte as a private-use scalar (see `TreeWalker`).
    public var path: String
    /// The SHA-256 of the content. For a symbolic link to a file, the target's content; for a
    /// link that dangles or leads to something other than a file, the bytes of the link's
    /// target path as written.
    public var digest: Digest
    /// The content size in bytes (for a dangling link, the length of its target path).
    public var size: Int64
    /// The permission bits of `st_mode` (`0o7777`): of the target for a link to a file.
    public var mode: UInt32
    /// The link's target as written, when the path is a symbolic link.
    public var linkTarget: String?

    public init(path: String, digest: Digest, size: Int64, mode: UInt32, linkTarget: String? = nil) {
        self.path = path
        self.digest = digest
        self.size = size
        self.mode = mode
        self.linkTarget = linkTarget
    }

    /// Whether any execute bit (owner, group or other) is set.
    public var isExecutable: Bool { mode & 0o111 != 0 }
}
