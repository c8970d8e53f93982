import Hashing

// The JSON form of the components, kept in each job's run record under `.dagrun/state/`.
// Digests are hexadecimal strings; `environment` and `upstreamArtifacts` are JSON objects.

extension CacheKey.InputFile: Codable {
    private enum CodingKeys: String, CodingKey {
        case path, digest, isExecutable, linkTarget
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            path: try container.decode(String.self, forKey: .path),
            digest: try container.decodeDigest(forKey: .digest),
            isExecutable: try container.decode(Bool.self, forKey: .isExecutable),
            linkTarget: try container.decodeIfPresent(String.self, forKey: .linkTarget)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(digest: digest, forKey: .digest)
        try container.encode(isExecutable, forKey: .isExecutable)
        try container.encodeIfPresent(linkTarget, forKey: .linkTarget)
    }
}

extension CacheKey.Components: Codable {
    private enum CodingKeys: String, CodingKey {
        case formatVersion, job, script, shell, environment, inputPatterns, artifactPatterns
        case inputs, upstreamArtifacts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let upstreamHex = try container.decode([String: String].self, forKey: .upstreamArtifacts)
        var upstreamArtifacts: [Job.Name: Digest] = [:]
        for (name, hex) in upstreamHex {
            guard let digest = Digest(hex: hex) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .upstreamArtifacts,
                    in: container,
                    debugDescription: "artifact digest '\(hex)' of '\(name)' is not 64 hexadecimal digits"
                )
            }
            upstreamArtifacts[Job.Name(name)] = digest
        }
        self.init(
            formatVersion: try container.decode(Int.self, forKey: .formatVersion),
            job: Job.Name(try container.decode(String.self, forKey: .job)),
            script: try container.decode(String.self, forKey: .script),
            shell: try container.decode([String].self, forKey: .shell),
            environment: try container.decode([String: String].self, forKey: .environment),
            inputPatterns: try container.decode([String].self, forKey: .inputPatterns),
            artifactPatterns: try container.decode([String].self, forKey: .artifactPatterns),
            inputs: try container.decode([CacheKey.InputFile].self, forKey: .inputs),
            upstreamArtifacts: upstreamArtifacts
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(formatVersion, forKey: .formatVersion)
        try container.encode(job.rawValue, forKey: .job)
        try container.encode(script, forKey: .script)
        try container.encode(shell, forKey: .shell)
        try container.encode(environment, forKey: .environment)
        try container.encode(inputPatterns, forKey: .inputPatterns)
        try container.encode(artifactPatterns, forKey: .artifactPatterns)
        try container.encode(inputs, forKey: .inputs)
        let upstreamHex = Dictionary(uniqueKeysWithValues: upstreamArtifacts.map { ($0.key.rawValue, $0.value.hex) })
        try container.encode(upstreamHex, forKey: .upstreamArtifacts)
    }
}
