// An action cache entry records what a successful run produced under one cache key. It is a
// JSON file at `<cache>/actions/ab/<key hex>.json`:
//
//     {"version": 1, "key": "<64 hex>", "artifactDigest": "<64 hex>",
//      "createdAt": "2024-05-01T12:00:00Z", "manifest": {"entries": [...]}}
//
// (the manifest's form is described in Manifest.swift). On reading, the version must be 1, the
// key must match the file name, and the manifest's digest must equal `artifactDigest`. Any
// other file is damaged: it is removed with a warning and counts as a miss, so the job runs
// again and a fresh entry replaces it.

import Basics
import Foundation
import Hashing

/// The map from cache keys to the artifacts that a successful run produced.
///
/// Entries are written atomically, so separate processes may read and write one cache at once:
/// the last writer of a key wins, and every writer of a key writes an equivalent entry.
public struct ActionCache: Sendable {
    /// The artifacts of one successful run under a cache key.
    public struct Entry: Sendable, Hashable {
        public var key: Digest
        public var manifest: Manifest
        /// The digest of `manifest`, stored so that a damaged entry can be detected.
        public var artifactDigest: Digest
        /// When the run that produced the entry finished.
        public var createdAt: Date

        public init(key: Digest, manifest: Manifest, createdAt: Date = Date()) {
            self.key = key
            self.manifest = manifest
            self.artifactDigest = manifest.digest
            self.createdAt = createdAt
        }
    }

    /// The version of the entry file format.
    public static let entryFormatVersion = 1

    public let directory: CacheDirectory

    public init(directory: CacheDirectory) {
        self.directory = directory
    }

    /// Returns the path of the entry file for `key`.
    public func path(for key: Digest) -> String {
        let hex = key.hex
        return "\(directory.actions)/\(hex.prefix(2))/\(hex).json"
    }

    /// Stores `entry` under `key`, replacing any entry there.
    ///
    /// Store the manifest's blobs first: an entry whose blobs are missing is a miss on restore.
    public func record(key: Digest, entry: Entry) throws(SystemError) {
        var entry = entry
        entry.key = key
        let bytes: [UInt8]
        do {
            bytes = Array(try Self.encoder.encode(EntryFile(entry: entry)))
        } catch {
            // JSONEncoder fails only on values such as non-finite floating-point numbers,
            // which this record does not contain.
            throw SystemError(call: "JSONEncoder.encode", subject: path(for: key), code: EINVAL)
        }
        let destination = path(for: key)
        try FileOperations.createDirectories(FileOperations.parentPath(of: destination))
        try FileOperations.createDirectories(directory.temporary)
        try FileOperations.writeFileAtomically(bytes, to: destination, temporaryDirectory: directory.temporary)
    }

    /// Returns the entry for `key`, or nil when there is none.
    ///
    /// A damaged or unreadable entry counts as a miss, and the reason is appended to `warnings`.
    /// The damaged file is removed unless `discardsDamaged` is false, which `status` passes
    /// because it changes nothing on disk.
    public func entry(for key: Digest, warnings: inout [String], discardsDamaged: Bool = true) -> Entry? {
        let entryPath = path(for: key)
        let bytes: [UInt8]
        do {
            bytes = try FileOperations.readFile(entryPath)
        } catch where error.code == ENOENT {
            return nil
        } catch {
            warnings.append("cannot read cache entry: \(error); the job runs again")
            return nil
        }

        let reason: String
        switch Self.decodeEntry(bytes) {
        case .success(let entry) where entry.key == key:
            return entry
        case .success(let entry):
            reason = "it is for key \(entry.key.shortHex)"
        case .failure(let failure):
            reason = failure.description
        }
        if discardsDamaged {
            discardDamagedEntry(at: entryPath, reason: reason, warnings: &warnings)
        } else {
            warnings.append("the cache entry '\(entryPath)' is damaged (\(reason)); the next run replaces it")
        }
        return nil
    }

    /// Returns every readable entry; damaged ones are removed, with a warning for each.
    public func allEntries(warnings: inout [String]) throws(SystemError) -> [Entry] {
        var entries: [Entry] = []
        for file in try entryFiles() {
            guard let key = Digest(hex: file.name.dropLast(".json".count)) else { continue }
            if let entry = entry(for: key, warnings: &warnings) {
                entries.append(entry)
            }
        }
        return entries
    }

    /// Lists the entry files with their sizes in bytes.
    func entryFiles() throws(SystemError) -> [(name: String, path: String, size: Int64)] {
        try FileOperations.shardedFiles(in: directory.actions).filter { $0.name.hasSuffix(".json") }
    }

    private func discardDamagedEntry(at path: String, reason: String, warnings: inout [String]) {
        warnings.append("ignoring damaged cache entry '\(path)' (\(reason)); the job runs again")
        unlink(path)
    }
}
