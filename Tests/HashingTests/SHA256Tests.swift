import Testing
@testable import Hashing

/// The backends this CPU can run; the accelerated ones drop out on CPUs without them.
let supportedBackends = SHA256.Backend.allCases.filter(\.isSupported)

/// Deterministic pseudo-random bytes (a 64-bit linear congruential generator), so failures repeat.
func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

func digest(of bytes: [UInt8], backend: SHA256.Backend) -> Digest {
    var hasher = SHA256(backend: backend)
    hasher.update(bytes)
    return hasher.finalize()
}

@Suite struct SHA256Tests {
    /// The examples of FIPS 180-4 and the NIST test vectors for SHA-256.
    static let vectors: [(message: String, hex: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    @Test(arguments: supportedBackends)
    func nistVectors(backend: SHA256.Backend) {
        for vector in Self.vectors {
            var hasher = SHA256(backend: backend)
            hasher.update(vector.message)
            #expect(hasher.finalize().hex == vector.hex, "message \(vector.message.utf8.count) bytes on \(backend)")
        }
    }

    @Test(arguments: supportedBackends)
    func millionLetterA(backend: SHA256.Backend) {
        var hasher = SHA256(backend: backend)
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 {
            hasher.update(chunk)
        }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func preferredBackendOnThisCPU() {
        let preferred = SHA256.Backend.preferred
        #expect(preferred.isSupported)
        #expect(SHA256().backend == preferred)
        #if arch(x86_64)
        #expect(preferred != .armv8)
        #endif
    }

    @Test func unsupportedBackendFallsBackToPortable() {
        for backend in SHA256.Backend.allCases where !backend.isSupported {
            #expect(SHA256(backend: backend).backend == .portable)
        }
    }

    @Test(
        .enabled(if: supportedBackends.count > 1, "this CPU has no accelerated SHA-256 kernel"),
        arguments: supportedBackends.filter { $0 != .portable }
    )
    func acceleratedMatchesPortable(backend: SHA256.Backend) {
        let lengths = Array(0...260) + [1023, 1024, 1025, 4095, 4096, 4097, 65535, 65536, 65537, 1_000_003]
        let bytes = pseudoRandomBytes(count: lengths.max()!, seed: 7)
        for length in lengths {
            let message = Array(bytes[0..<length])
            #expect(digest(of: message, backend: backend) == digest(of: message, backend: .portable), "length \(length)")
        }
    }

    @Test(arguments: supportedBackends)
    func streamingSplitsMatchOneShot(backend: SHA256.Backend) {
        let message = pseudoRandomBytes(count: 1000, seed: 11)
        let expected = digest(of: message, backend: backend)
        for chunkSize in [1, 3, 63, 64, 65, 127, 128, 129, 999] {
            var hasher = SHA256(backend: backend)
            var offset = 0
            while offset < message.count {
                let end = min(offset + chunkSize, message.count)
                message[offset..<end].withUnsafeBytes { hasher.update($0) }
                offset = end
            }
            #expect(hasher.finalize() == expected, "chunks of \(chunkSize) bytes")
        }
    }

    @Test func nonContiguousSequence() {
        let message = pseudoRandomBytes(count: 300, seed: 3)
        #expect(SHA256.hash(message.lazy.map { $0 }) == SHA256.hash(message))
    }

    @Test func copyForksCommonPrefix() {
        var prefix = SHA256()
        prefix.update("common ")
        var first = prefix
        var second = prefix
        first.update("first")
        second.update("second")
        #expect(first.finalize() == SHA256.hash("common first"))
        #expect(second.finalize() == SHA256.hash("common second"))
    }

    @Test func digestHexRoundTrip() throws {
        let digest = SHA256.hash("abc")
        #expect(Digest(hex: digest.hex) == digest)
        #expect(Digest(hex: digest.hex.uppercased()) == digest)
        #expect(Digest(hex: "xyz") == nil)
        #expect(Digest(bytes: digest.bytes) == digest)
    }
}
