import Hashing

// Digests are written to JSON as 64 lowercase hexadecimal digits. `Digest` is not `Codable`
// itself, so the cache's records encode it through these helpers.

extension KeyedDecodingContainer {
    func decodeDigest(forKey key: Key) throws -> Digest {
        let hex = try decode(String.self, forKey: key)
        guard let digest = Digest(hex: hex) else {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: self,
                debugDescription: "'\(hex)' is not 64 hexadecimal digits"
            )
        }
        return digest
    }

    func decodeDigestIfPresent(forKey key: Key) throws -> Digest? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeDigest(forKey: key)
    }
}

extension KeyedEncodingContainer {
    mutating func encode(digest: Digest, forKey key: Key) throws {
        try encode(digest.hex, forKey: key)
    }

    mutating func encodeIfPresent(digest: Digest?, forKey key: Key) throws {
        try encodeIfPresent(digest?.hex, forKey: key)
    }
}
