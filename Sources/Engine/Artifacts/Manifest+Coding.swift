import Hashing

// The JSON form described at the top of Manifest.swift.

extension Manifest: Codable {
    private enum CodingKeys: String, CodingKey {
        case entries
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let entries = try container.decode([Entry].self, forKey: .entries)
        try self.init(entries: entries)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entries, forKey: .entries)
    }
}

extension Manifest.Entry: Codable {
    private enum CodingKeys: String, CodingKey {
        case path, mode, size, digest, linkTarget
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let path = try container.decode(String.self, forKey: .path)
        let mode = try container.decode(UInt32.self, forKey: .mode)
        if let target = try container.decodeIfPresent(String.self, forKey: .linkTarget) {
            self.init(path: path, mode: mode, content: .symbolicLink(target: target))
            return
        }
        let size = try container.decode(Int64.self, forKey: .size)
        guard size >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .size,
                in: container,
                debugDescription: "size \(size) of '\(path)' is negative"
            )
        }
        let digest = try container.decodeDigest(forKey: .digest)
        self.init(path: path, mode: mode, content: .file(digest: digest, size: size))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(mode, forKey: .mode)
        switch content {
        case .file(let digest, let size):
            try container.encode(size, forKey: .size)
            try container.encode(digest: digest, forKey: .digest)
        case .symbolicLink(let target):
            try container.encode(target, forKey: .linkTarget)
        }
    }
}
