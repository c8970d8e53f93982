/// The kinds of change the watcher reported for a file.
///
/// The kinds are hints for messages only. Whether an input really changed is decided by hashing:
/// a touch (`attributes`) or a save of identical bytes (`modified`) changes no digest.
public struct ChangeKind: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let created = ChangeKind(rawValue: 1 << 0)
    /// Written and closed.
    public static let modified = ChangeKind(rawValue: 1 << 1)
    public static let deleted = ChangeKind(rawValue: 1 << 2)
    /// Permissions, owner, timestamps or link count changed.
    public static let attributes = ChangeKind(rawValue: 1 << 3)
    /// Renamed or moved to this path, as editors do when they save through a temporary file.
    public static let movedIn = ChangeKind(rawValue: 1 << 4)
    /// Renamed or moved away from this path.
    public static let movedOut = ChangeKind(rawValue: 1 << 5)

    private static let names: [(ChangeKind, String)] = [
        (.created, "created"), (.modified, "modified"), (.deleted, "deleted"),
        (.attributes, "attributes"), (.movedIn, "moved-in"), (.movedOut, "moved-out"),
    ]

    /// The kinds' names joined by `,`, such as `created,modified`.
    public var description: String {
        Self.names.filter { contains($0.0) }.map(\.1).joined(separator: ",")
    }
}

/// One path in a batch with every kind of change it had during the batch.
public struct FileChange: Hashable, Sendable, CustomStringConvertible {
    /// The path relative to the workspace root, with `/` between components.
    public var path: String
    public var kinds: ChangeKind

    public init(path: String, kinds: ChangeKind) {
        self.path = path
        self.kinds = kinds
    }

    public var description: String { "\(path) (\(kinds))" }
}

/// One event the watcher produced, before coalescing.
public enum WatchEvent: Hashable, Sendable {
    case change(path: String, kind: ChangeKind)
    /// Events were lost, so any watched file may have changed: the consumer re-hashes every input.
    case rescanNeeded
    /// A message for the user, printed as `dagrun: warning: <message>`.
    case warning(String)
}

/// The changes gathered while the tree was busy, handed over once it has been quiet for the debounce.
public struct ChangeBatch: Hashable, Sendable {
    /// The changed paths, sorted, each once.
    public var changes: [FileChange]
    /// True when events were lost (an inotify queue overflow, or the switch to polling), so the
    /// consumer must treat every input as possibly changed, not only `changes`.
    public var isRescanNeeded: Bool
    /// Messages for the user, in the order they arose, without duplicates.
    public var warnings: [String]

    public init(changes: [FileChange] = [], isRescanNeeded: Bool = false, warnings: [String] = []) {
        self.changes = changes
        self.isRescanNeeded = isRescanNeeded
        self.warnings = warnings
    }

    /// The changed paths, sorted.
    public var paths: [String] { changes.map(\.path) }

    /// Returns the kinds of change `path` had in this batch, or an empty set when it had none.
    public func kinds(of path: String) -> ChangeKind {
        changes.first { $0.path == path }?.kinds ?? []
    }
}
