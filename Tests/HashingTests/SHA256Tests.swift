import Testing
@testable import Hashing

@Suite struct SHA256Tests {
    @Test func emptyMessage() {
        #expect(SHA256.hash("").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abc() {
        #expect(SHA256.hash("abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func digestHexRoundTrip() throws {
        let digest = SHA256.hash("abc")
        #expect(Digest(hex: digest.hex) == digest)
        #expect(Digest(hex: "xyz") == nil)
    }
}
