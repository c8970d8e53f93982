import Basics
import Foundation
import Hashing

/// The report of `dagrun explain JOB`: the components of the job's cache key and how each
/// differs from the key of its last successful run.
public struct KeyExplanation: Sendable {
    /// One difference from the last successful run, with the values on both sides when the
    /// components hold them.
    public struct Difference: Sendable, Hashable {
        public var change: CacheKey.Change
        /// The old value: a digest in hexadecimal, a variable's value or a list; nil when absent.
        public var before: String?
        /// The new value, in the same form as `before`.
        public var after: String?
    }

    public let status: JobStatus

    public init(status: JobStatus) {
        self.status = status
    }

    /// The differences between the current components and the last successful run's.
    /// They are empty when the job never succeeded, when the keys are equal, or when that run's
    /// components file is missing or damaged.
    public var differences: [Difference] {
        guard let old = status.lastSuccessComponents else { return [] }
        let new = status.components
        return new.differences(from: old).map { change in
            let (before, after) = Self.values(of: change, old: old, new: new)
            return Difference(change: change, before: before, after: after)
        }
    }

    private static func values(
        of change: CacheKey.Change,
        old: CacheKey.Components,
        new: CacheKey.Components
    ) -> (String?, String?) {
        func inputDigest(_ components: CacheKey.Components, _ path: String) -> String? {
            components.inputs.first { $0.path == path }.map(describe)
        }
        switch change {
        case .formatVersionChanged:
            return (String(old.formatVersion), String(new.formatVersion))
        case .scriptChanged:
            return (SHA256.hash(old.script).hex, SHA256.hash(new.script).hex)
        case .shellChanged:
            return (old.shell.joined(separator: " "), new.shell.joined(separator: " "))
        case .environmentAdded(let name), .environmentRemoved(let name), .environmentChanged(let name):
            return (old.environment[name], new.environment[name])
        case .patternsChanged:
            return (patterns(of: old), patterns(of: new))
        case .inputAdded(let path), .inputDeleted(let path), .inputModified(let path):
            return (inputDigest(old, path), inputDigest(new, path))
        case .upstreamAdded(let job), .upstreamRemoved(let job), .upstreamArtifactsChanged(let job):
            return (old.upstreamArtifacts[job]?.hex, new.upstreamArtifacts[job]?.hex)
        }
    }

    private static func patterns(of components: CacheKey.Components) -> String {
        "inputs [\(components.inputPatterns.joined(separator: ", "))], "
            + "artifacts [\(components.artifactPatterns.joined(separator: ", "))]"
    }

    /// Describes an input by its digest, followed by its executable bit and link target when set.
    private static func describe(_ file: CacheKey.InputFile) -> String {
        var text = file.digest.hex
        if file.isExecutable { text += " executable" }
        if let target = file.linkTarget { text += " -> " + target }
        return text
    }

    // MARK: Text

    /// Builds the lines of `dagrun explain JOB`.
    public func lines() -> [String] {
        let components = status.components
        var lines = ["\(status.job): \(status.state.rawValue)"]
        lines += status.reasons.map { "    " + $0.description }

        lines.append("")
        if status.isKeyKnown {
            lines.append("cache key            \(status.cacheKey.hex)")
        } else {
            let unknown = status.unknownUpstream.map(\.rawValue).sorted().joined(separator: ", ")
            lines.append("cache key            not known until \(unknown) run; forecast \(status.cacheKey.hex)")
        }
        if let last = status.lastSuccess {
            lines.append("last successful run  \(last.keyDigest.hex) at \(Self.timestamp(last.finishedAt))")
        } else {
            lines.append("last successful run  none")
        }

        lines.append("")
        lines.append("components")
        lines.append("  format version     \(components.formatVersion)")
        lines.append("  script             \(SHA256.hash(components.script).hex)")
        lines.append("  shell              \(components.shell.joined(separator: " "))")
        let names = components.environment.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        lines.append("  env                " + (names.isEmpty ? "none" : "\(names.count)"))
        lines += names.map { "    \($0)=\(components.environment[$0] ?? "")" }
        lines.append("  input patterns     " + Self.list(components.inputPatterns))
        lines.append("  artifact patterns  " + Self.list(components.artifactPatterns))
        lines.append("  input files        " + (components.inputs.isEmpty ? "none" : "\(components.inputs.count)"))
        lines += components.inputs.map { "    \($0.path)  \(Self.describe($0))" }
        let upstream = Set(components.upstreamArtifacts.keys).union(status.unknownUpstream).sorted()
        lines.append("  upstream artifacts " + (upstream.isEmpty ? "none" : "\(upstream.count)"))
        for job in upstream {
            lines.append("    \(job)  " + upstreamDescription(job))
        }

        lines.append("")
        guard let last = status.lastSuccess else {
            lines.append("no successful run to compare with")
            return lines
        }
        if last.keyDigest != status.cacheKey, status.lastSuccessComponents == nil {
            lines.append("cache key changed since the last successful run (\(last.keyDigest.shortHex)); "
                + "the details are unavailable because its components file is missing or damaged")
            return lines
        }
        let differences = differences
        if differences.isEmpty {
            if status.isKeyKnown {
                lines.append("same cache key as the last successful run (\(last.keyDigest.shortHex))")
            } else {
                // The forecast uses the upstream jobs' old artifact digests, so only they can change it.
                let unknown = status.unknownUpstream.map(\.rawValue).sorted().joined(separator: ", ")
                lines.append("no other change since the last successful run (\(last.keyDigest.shortHex)); the key changes only if \(unknown) produces different artifacts")
            }
            return lines
        }
        lines.append("changes since the last successful run (\(last.keyDigest.shortHex))")
        for difference in differences {
            lines.append("  \(difference.change)")
            lines.append("    before: \(difference.before ?? "absent")")
            lines.append("    after:  \(difference.after ?? "absent")")
        }
        return lines
    }

    private func upstreamDescription(_ job: Job.Name) -> String {
        let digest = status.components.upstreamArtifacts[job]?.hex
        guard status.unknownUpstream.contains(job) else {
            return digest ?? "unknown"
        }
        return digest.map { "\($0) (\(job) is stale: this is its last successful run's)" }
            ?? "unknown (\(job) has never succeeded)"
    }

    private static func list(_ patterns: [String]) -> String {
        patterns.isEmpty ? "none" : patterns.joined(separator: ", ")
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
