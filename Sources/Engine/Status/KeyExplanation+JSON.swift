import Basics
import Hashing

extension KeyExplanation {
    /// Builds the JSON document of `dagrun explain --json JOB`.
    ///
    /// `{"job", "state", "cache_key", "key_known", "last_success": {"cache_key", "finished_at"},
    /// "components": {"format_version", "script_digest", "shell", "env", "input_patterns",
    /// "artifact_patterns", "inputs": [{"path", "digest", "executable", "link_target"}],
    /// "upstream": [{"job", "artifact_digest", "known"}]}, "reasons": [...], "changes":
    /// [{"kind", "text", "subject", "before", "after"}]}`. Absent values are left out.
    public func json() -> JSONLine {
        let components = status.components
        var document = JSONLine()
        document.add("job", status.job.rawValue)
        document.add("state", status.state.rawValue)
        document.add("cache_key", status.cacheKey.hex)
        document.add("key_known", status.isKeyKnown)
        if let last = status.lastSuccess {
            var success = JSONLine()
            success.add("cache_key", last.keyDigest.hex)
            success.add("finished_at", Self.timestamp(last.finishedAt))
            document.add("last_success", success)
        }

        var environment = JSONLine()
        for name in components.environment.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            environment.add(name, components.environment[name] ?? "")
        }
        var parts = JSONLine()
        parts.add("format_version", components.formatVersion)
        parts.add("script_digest", SHA256.hash(components.script).hex)
        parts.add("shell", components.shell)
        parts.add("env", environment)
        parts.add("input_patterns", components.inputPatterns)
        parts.add("artifact_patterns", components.artifactPatterns)
        parts.add("inputs", objects: components.inputs.map { file in
            var object = JSONLine()
            object.add("path", file.path)
            object.add("digest", file.digest.hex)
            object.add("executable", file.isExecutable)
            if let target = file.linkTarget {
                object.add("link_target", target)
            }
            return object
        })
        let upstream = Set(components.upstreamArtifacts.keys).union(status.unknownUpstream).sorted()
        parts.add("upstream", objects: upstream.map { job in
            var object = JSONLine()
            object.add("job", job.rawValue)
            if let digest = components.upstreamArtifacts[job] {
                object.add("artifact_digest", digest.hex)
            }
            object.add("known", !status.unknownUpstream.contains(job))
            return object
        })
        document.add("components", parts)

        document.add("reasons", objects: status.reasons.map(StatusFormatter.reasonJSON))
        document.add("changes", objects: differences.map { difference in
            var object = JSONLine()
            object.add("kind", difference.change.kind)
            object.add("text", difference.change.description)
            if let subject = difference.change.subject {
                object.add("subject", subject)
            }
            if let before = difference.before {
                object.add("before", before)
            }
            if let after = difference.after {
                object.add("after", after)
            }
            return object
        })
        return document
    }
}
