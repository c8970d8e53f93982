import CSHA256

/// A streaming SHA-256 hash (FIPS 180-4).
///
/// Feed bytes with `update` as often as needed, then call `finalize` once. The value is not
/// thread-safe; copy it to fork a hash of a common prefix. The compression runs on the fastest
/// kernel the CPU supports unless `init(backend:)` picks one.
public struct SHA256: Sendable {
    /// Eight 32-bit words of a 64-byte block, as the fixed-size storage of the pending bytes.
    private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
        0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes of an incomplete block, waiting for the next update; the first `pendingCount` count.
    private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    /// Total message length in bytes so far.
    private var length: UInt64 = 0

    /// The compression kernel this hash runs on.
    public let backend: Backend

    /// Creates a hash that runs on the fastest kernel this CPU supports.
    public init() {
        backend = .preferred
    }

    /// Creates a hash that runs on `backend`, or on `.portable` when this CPU lacks `backend`.
    public init(backend: Backend) {
        self.backend = backend.isSupported ? backend : .portable
    }

    /// Adds `buffer` to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        length &+= UInt64(buffer.count)
        var offset = 0
        if pendingCount > 0 {
            let take = min(64 - pendingCount, buffer.count)
            withUnsafeMutableBytes(of: &pending) { pendingBytes in
                pendingBytes.baseAddress!.advanced(by: pendingCount).copyMemory(from: base, byteCount: take)
            }
            pendingCount += take
            offset = take
            if pendingCount == 64 {
                compressPending()
                pendingCount = 0
            }
        }
        let wholeBlocks = (buffer.count - offset) / 64
        if wholeBlocks > 0 {
            compress(base.advanced(by: offset), blockCount: wholeBlocks)
            offset += wholeBlocks * 64
        }
        if offset < buffer.count {
            let rest = buffer.count - offset
            withUnsafeMutableBytes(of: &pending) { pendingBytes in
                pendingBytes.baseAddress!.copyMemory(from: base.advanced(by: offset), byteCount: rest)
            }
            pendingCount = rest
        }
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Adds the UTF-8 encoding of `string` to the message.
    public mutating func update(_ string: String) {
        var copy = string
        copy.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Pads the message and returns its digest.
    public consuming func finalize() -> Digest {
        let bitLength = length &* 8
        // The padding: 0x80, zeros up to 56 bytes modulo 64, then the bit length, big-endian.
        var tail: (Block, Block) = ((0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0))
        let tailLength = pendingCount < 56 ? 64 : 128
        withUnsafeMutableBytes(of: &tail) { tailBytes in
            withUnsafeBytes(of: &pending) { pendingBytes in
                tailBytes.baseAddress!.copyMemory(from: pendingBytes.baseAddress!, byteCount: pendingCount)
            }
            tailBytes[pendingCount] = 0x80
            tailBytes.storeBytes(of: bitLength.bigEndian, toByteOffset: tailLength - 8, as: UInt64.self)
        }
        withUnsafeBytes(of: &tail) { tailBytes in
            compress(tailBytes.baseAddress!, blockCount: tailLength / 64)
        }
        let s = state
        return Digest(words: (
            UInt64(s.0) << 32 | UInt64(s.1),
            UInt64(s.2) << 32 | UInt64(s.3),
            UInt64(s.4) << 32 | UInt64(s.5),
            UInt64(s.6) << 32 | UInt64(s.7)
        ))
    }

    /// Returns the digest of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Returns the digest of the UTF-8 encoding of `string`.
    public static func hash(_ string: String) -> Digest {
        var hasher = SHA256()
        hasher.update(string)
        return hasher.finalize()
    }

    private mutating func compressPending() {
        var block = pending
        withUnsafeBytes(of: &block) { compress($0.baseAddress!, blockCount: 1) }
    }

    private mutating func compress(_ blocks: UnsafeRawPointer, blockCount: Int) {
        let kernel = backend.cValue
        withUnsafeMutableBytes(of: &state) { raw in
            csha256_compress_with(
                kernel,
                raw.baseAddress!.assumingMemoryBound(to: UInt32.self),
                blocks.assumingMemoryBound(to: UInt8.self),
                blockCount
            )
        }
    }
}

extension SHA256 {
    /// Adds `blockCount` 64-byte blocks at `firstBlocks` to `first` and as many at
    /// `secondBlocks` to `second`.
    ///
    /// When both hashes run on the same backend and have no bytes of an incomplete block, the
    /// two messages go through the two-lane kernel together, which hides the latency of the
    /// SHA-NI round instruction. Otherwise each hash is updated on its own. Either way the
    /// result equals two calls of `update`.
    static func updateTwo(
        _ first: inout SHA256, blocks firstBlocks: UnsafeRawPointer,
        _ second: inout SHA256, blocks secondBlocks: UnsafeRawPointer,
        blockCount: Int
    ) {
        let byteCount = blockCount * 64
        guard first.pendingCount == 0, second.pendingCount == 0, first.backend == second.backend else {
            first.update(UnsafeRawBufferPointer(start: firstBlocks, count: byteCount))
            second.update(UnsafeRawBufferPointer(start: secondBlocks, count: byteCount))
            return
        }
        guard blockCount > 0 else { return }
        first.length &+= UInt64(byteCount)
        second.length &+= UInt64(byteCount)
        let kernel = first.backend.cValue
        withUnsafeMutableBytes(of: &first.state) { firstState in
            withUnsafeMutableBytes(of: &second.state) { secondState in
                csha256_compress_two_with(
                    kernel,
                    firstState.baseAddress!.assumingMemoryBound(to: UInt32.self),
                    firstBlocks.assumingMemoryBound(to: UInt8.self),
                    secondState.baseAddress!.assumingMemoryBound(to: UInt32.self),
                    secondBlocks.assumingMemoryBound(to: UInt8.self),
                    blockCount
                )
            }
        }
    }
}
