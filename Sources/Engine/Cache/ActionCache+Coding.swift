import Foundation
import Hashing

extension ActionCache {
    /// The reason an entry file could not be used.
    struct DamagedEntry: Error, CustomStringConvertible {
        var description: String
    }

    /// The JSON layout of an entry file, described at the top of ActionCache.swift.
    struct EntryFile: Codable {
        var version: Int
        var key: String
        var artifactDigest: String
        var createdAt: Date
        var manifest: Manifest

        init(entry: Entry) {
            version = ActionCache.entryFormatVersion
            key = entry.key.hex
            artifactDigest = entry.artifactDigest.hex
            createdAt = entry.createdAt
            manifest = entry.manifest
        }
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Decodes and checks an entry file's bytes.
    static func decodeEntry(_ bytes: [UInt8]) -> Swift.Result<Entry, DamagedEntry> {
        let file: EntryFile
        do {
            file = try decoder.decode(EntryFile.self, from: Data(bytes))
        } catch {
            return .failure(DamagedEntry(description: "invalid JSON: \(error)"))
        }
        guard file.version == entryFormatVersion else {
            return .failure(DamagedEntry(description: "unknown version \(file.version)"))
        }
        guard let key = Digest(hex: file.key), let artifactDigest = Digest(hex: file.artifactDigest) else {
            return .failure(DamagedEntry(description: "a digest is not 64 hexadecimal digits"))
        }
        let entry = Entry(key: key, manifest: file.manifest, createdAt: file.createdAt)
        guard entry.artifactDigest == artifactDigest else {
            return .failure(DamagedEntry(description: "its manifest does not match its artifact digest"))
        }
        return .success(entry)
    }
}
