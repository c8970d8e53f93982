import Hashing

extension CacheKey {
    /// One reason why a job's cache key differs from its last run's, as `status` and `explain`
    /// print it.
    public enum Change: Sendable, Hashable, CustomStringConvertible {
        case formatVersionChanged
        case scriptChanged
        case shellChanged
        case environmentAdded(String)
        case environmentRemoved(String)
        case environmentChanged(String)
        case patternsChanged
        case inputAdded(String)
        case inputDeleted(String)
        /// The input's contents, executable bit or link target changed.
        case inputModified(String)
        case upstreamAdded(Job.Name)
        case upstreamRemoved(Job.Name)
        case upstreamArtifactsChanged(Job.Name)

        public var description: String {
            switch self {
            case .formatVersionChanged: "cache format changed"
            case .scriptChanged: "script changed"
            case .shellChanged: "shell changed"
            case .environmentAdded(let name): "env \(name) added"
            case .environmentRemoved(let name): "env \(name) removed"
            case .environmentChanged(let name): "env \(name) changed"
            case .patternsChanged: "glob patterns changed"
            case .inputAdded(let path): "input \(path) added"
            case .inputDeleted(let path): "input \(path) deleted"
            case .inputModified(let path): "input \(path) modified"
            case .upstreamAdded(let job): "needs \(job) added"
            case .upstreamRemoved(let job): "needs \(job) removed"
            case .upstreamArtifactsChanged(let job): "upstream \(job)'s artifacts changed"
            }
        }
    }
}

extension CacheKey.Components {
    /// Lists what changed from `old` to these components, in the order of the cache key's
    /// encoding, so an empty list means the same cache key.
    ///
    /// The job names are not compared, because `old` comes from the same job's last run.
    /// Variables and inputs are listed in the byte order of their names and paths.
    public func differences(from old: CacheKey.Components) -> [CacheKey.Change] {
        var changes: [CacheKey.Change] = []
        if formatVersion != old.formatVersion {
            changes.append(.formatVersionChanged)
        }
        if script != old.script {
            changes.append(.scriptChanged)
        }
        if shell != old.shell {
            changes.append(.shellChanged)
        }

        changes += Self.compare(old.environment, environment, orderedBy: { $0.utf8 }) { name, kind in
            switch kind {
            case .added: .environmentAdded(name)
            case .removed: .environmentRemoved(name)
            case .changed: .environmentChanged(name)
            }
        }

        if inputPatterns != old.inputPatterns || artifactPatterns != old.artifactPatterns {
            changes.append(.patternsChanged)
        }

        let oldInputs = Dictionary(old.inputs.map { ($0.path, $0) }) { first, _ in first }
        let newInputs = Dictionary(inputs.map { ($0.path, $0) }) { first, _ in first }
        changes += Self.compare(oldInputs, newInputs, orderedBy: { $0.utf8 }) { path, kind in
            switch kind {
            case .added: .inputAdded(path)
            case .removed: .inputDeleted(path)
            case .changed: .inputModified(path)
            }
        }

        changes += Self.compare(old.upstreamArtifacts, upstreamArtifacts, orderedBy: { $0.rawValue.utf8 }) { job, kind in
            switch kind {
            case .added: .upstreamAdded(job)
            case .removed: .upstreamRemoved(job)
            case .changed: .upstreamArtifactsChanged(job)
            }
        }
        return changes
    }

    private enum Difference {
        case added, removed, changed
    }

    /// Returns one change for each key whose value was added, removed or changed from `old` to
    /// `new`, in the byte order of the keys.
    private static func compare<Key: Hashable, Value: Equatable>(
        _ old: [Key: Value],
        _ new: [Key: Value],
        orderedBy bytes: (Key) -> String.UTF8View,
        _ change: (Key, Difference) -> CacheKey.Change
    ) -> [CacheKey.Change] {
        let keys = Set(old.keys).union(new.keys).sorted { bytes($0).lexicographicallyPrecedes(bytes($1)) }
        return keys.compactMap { key in
            switch (old[key], new[key]) {
            case (nil, .some): change(key, .added)
            case (.some, nil): change(key, .removed)
            case (let before?, let after?) where before != after: change(key, .changed)
            default: nil
            }
        }
    }
}
