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

        let names = Set(environment.keys).union(old.environment.keys).sortedByBytes()
        for name in names {
            switch (old.environment[name], environment[name]) {
            case (nil, .some): changes.append(.environmentAdded(name))
            case (.some, nil): changes.append(.environmentRemoved(name))
            case (let before?, let after?) where before != after: changes.append(.environmentChanged(name))
            default: break
            }
        }

        if inputPatterns != old.inputPatterns || artifactPatterns != old.artifactPatterns {
            changes.append(.patternsChanged)
        }

        let oldInputs = Dictionary(old.inputs.map { ($0.path, $0) }) { first, _ in first }
        let newInputs = Dictionary(inputs.map { ($0.path, $0) }) { first, _ in first }
        for path in Set(oldInputs.keys).union(newInputs.keys).sortedByBytes() {
            switch (oldInputs[path], newInputs[path]) {
            case (nil, .some): changes.append(.inputAdded(path))
            case (.some, nil): changes.append(.inputDeleted(path))
            case (let before?, let after?) where before != after: changes.append(.inputModified(path))
            default: break
            }
        }

        let jobs = Set(upstreamArtifacts.keys).union(old.upstreamArtifacts.keys).sorted()
        for job in jobs {
            switch (old.upstreamArtifacts[job], upstreamArtifacts[job]) {
            case (nil, .some): changes.append(.upstreamAdded(job))
            case (.some, nil): changes.append(.upstreamRemoved(job))
            case (let before?, let after?) where before != after: changes.append(.upstreamArtifactsChanged(job))
            default: break
            }
        }
        return changes
    }
}
