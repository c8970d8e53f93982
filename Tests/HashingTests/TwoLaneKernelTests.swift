import CSHA256
import Testing
@testable import Hashing

@Suite struct TwoLaneKernelTests {
    static let blockCounts = Array(0...17) + [31, 64, 100, 1000]

    /// Returns eight state words taken from `bytes`, so the lanes start from different states.
    static func state(from bytes: [UInt8]) -> [UInt32] {
        (0..<8).map { word in
            (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[word * 4 + $1]) }
        }
    }

    @Test(arguments: SHA256.Backend.allCases)
    func matchesSingleLaneKernel(backend: SHA256.Backend) {
        let maximumBytes = Self.blockCounts.max()! * 64
        let firstData = pseudoRandomBytes(count: maximumBytes, seed: 21)
        let secondData = pseudoRandomBytes(count: maximumBytes, seed: 22)
        for blockCount in Self.blockCounts {
            var expectedFirst = Self.state(from: pseudoRandomBytes(count: 32, seed: 23))
            var expectedSecond = Self.state(from: pseudoRandomBytes(count: 32, seed: 24))
            var first = expectedFirst
            var second = expectedSecond
            csha256_compress_with(backend.cValue, &expectedFirst, firstData, blockCount)
            csha256_compress_with(backend.cValue, &expectedSecond, secondData, blockCount)

            csha256_compress_two_with(backend.cValue, &first, firstData, &second, secondData, blockCount)

            #expect(first == expectedFirst, "first lane, \(blockCount) blocks on \(backend)")
            #expect(second == expectedSecond, "second lane, \(blockCount) blocks on \(backend)")
            if blockCount > 0 {
                #expect(first != second, "\(blockCount) blocks on \(backend)")
            }
        }
    }

    @Test(arguments: supportedBackends)
    func updateTwoMatchesUpdate(backend: SHA256.Backend) {
        let firstData = pseudoRandomBytes(count: 64 * 40, seed: 25)
        let secondData = pseudoRandomBytes(count: 64 * 40, seed: 26)
        for blockCount in [0, 1, 2, 7, 40] {
            let byteCount = blockCount * 64
            var first = SHA256(backend: backend)
            var second = SHA256(backend: backend)
            firstData.withUnsafeBytes { firstBytes in
                secondData.withUnsafeBytes { secondBytes in
                    SHA256.updateTwo(&first, blocks: firstBytes.baseAddress!, &second, blocks: secondBytes.baseAddress!, blockCount: blockCount)
                }
            }

            #expect(first.finalize() == digest(of: Array(firstData[0..<byteCount]), backend: backend), "\(blockCount) blocks")
            #expect(second.finalize() == digest(of: Array(secondData[0..<byteCount]), backend: backend), "\(blockCount) blocks")
        }
    }

    /// A hash with bytes of an incomplete block cannot go through the two-lane kernel, which
    /// takes whole blocks only. `updateTwo` must still add the blocks after those bytes.
    @Test func updateTwoAfterIncompleteBlock() {
        let prefix = pseudoRandomBytes(count: 10, seed: 27)
        let firstData = pseudoRandomBytes(count: 64 * 3, seed: 28)
        let secondData = pseudoRandomBytes(count: 64 * 3, seed: 29)
        var first = SHA256()
        first.update(prefix)
        var second = SHA256()
        firstData.withUnsafeBytes { firstBytes in
            secondData.withUnsafeBytes { secondBytes in
                SHA256.updateTwo(&first, blocks: firstBytes.baseAddress!, &second, blocks: secondBytes.baseAddress!, blockCount: 3)
            }
        }

        #expect(first.finalize() == SHA256.hash(prefix + firstData))
        #expect(second.finalize() == SHA256.hash(secondData))
    }
}
