import Foundation
import Hashing

// The JSON layouts of the state file and the components file, described at the top of
// JobState.swift.

extension JobState {
    /// The JSON layout of a state file.
    struct StateFile: Codable {
        var version: Int
        var lastOutcome: RunRecord?
        var lastSuccess: RunRecord?
    }

    /// The JSON layout of one run in a state file.
    struct RunRecord: Codable {
        var outcome: Outcome
        var keyDigest: Digest
        var artifactDigest: Digest?
        var finishedAt: Date
        /// The components, which only version 1 files contain.
        var inlineComponents: CacheKey.Components?

        private enum CodingKeys: String, CodingKey {
            case outcome, keyDigest, artifactDigest, finishedAt
            case inlineComponents = "components"
        }

        init(run: Run) {
            outcome = run.outcome
            keyDigest = run.keyDigest
            artifactDigest = run.artifactDigest
            finishedAt = run.finishedAt
            inlineComponents = nil
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            outcome = try container.decode(Outcome.self, forKey: .outcome)
            keyDigest = try container.decodeDigest(forKey: .keyDigest)
            artifactDigest = try container.decodeDigestIfPresent(forKey: .artifactDigest)
            finishedAt = try container.decode(Date.self, forKey: .finishedAt)
            inlineComponents = try container.decodeIfPresent(CacheKey.Components.self, forKey: .inlineComponents)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(outcome, forKey: .outcome)
            try container.encode(digest: keyDigest, forKey: .keyDigest)
            try container.encodeIfPresent(digest: artifactDigest, forKey: .artifactDigest)
            try container.encode(finishedAt, forKey: .finishedAt)
        }

        /// Returns the run, with its components inline or in the file at `componentsPath`.
        func run(componentsPath: String) -> Run {
            let source: ComponentsSource = inlineComponents.map { .value($0) } ?? .file(path: componentsPath)
            return Run(
                outcome: outcome,
                keyDigest: keyDigest,
                artifactDigest: artifactDigest,
                finishedAt: finishedAt,
                componentsSource: source
            )
        }
    }

    /// The JSON layout of a components file.
    struct ComponentsFile: Codable {
        var version: Int
        var key: String
        var components: CacheKey.Components
    }

    /// The reason a components file could not be used.
    struct UnusableComponents: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads the components file at `path` and checks that it belongs to `key`.
    static func readComponents(at path: String, key: Digest) -> Swift.Result<CacheKey.Components, UnusableComponents> {
        let bytes: [UInt8]
        do {
            bytes = try FileOperations.readFile(path)
        } catch where error.code == ENOENT {
            return .failure(UnusableComponents(description: "is missing"))
        } catch {
            return .failure(UnusableComponents(description: "cannot be read: \(error)"))
        }

        let file: ComponentsFile
        do {
            file = try ActionCache.decoder.decode(ComponentsFile.self, from: Data(bytes))
        } catch {
            return .failure(UnusableComponents(description: "is damaged (\(error))"))
        }
        guard file.version == formatVersion else {
            return .failure(UnusableComponents(description: "has unknown version \(file.version)"))
        }
        guard file.key == key.hex, file.components.digest == key else {
            return .failure(UnusableComponents(description: "does not match cache key \(key.shortHex)"))
        }
        return .success(file.components)
    }
}

extension JobState.Run {
    /// Returns the components of the run, reading its components file when they are not in memory.
    ///
    /// The file is read on every call, so keep the result rather than calling again. A missing or
    /// damaged file returns nil and appends the reason to `warnings`.
    public func components(warnings: inout [String]) -> CacheKey.Components? {
        switch componentsSource {
        case .value(let components):
            return components
        case .file(let path):
            switch JobState.readComponents(at: path, key: keyDigest) {
            case .success(let components):
                return components
            case .failure(let reason):
                warnings.append(
                    "the cache key components of the run recorded under \(keyDigest.shortHex) are unavailable: "
                        + "'\(path)' \(reason); the next run of the job records them again"
                )
                return nil
            }
        }
    }
}
