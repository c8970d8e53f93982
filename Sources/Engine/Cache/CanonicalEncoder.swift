#if canImport(Glibc)
import Glibc
#endif
import Hashing

/// An unambiguous byte encoding for values that are hashed: cache keys and manifests.
///
/// Every string is written as its UTF-8 byte count (8 bytes, big-endian) followed by its bytes.
/// Every list is written as its element count followed by its elements. So no two different
/// sequences of values encode to the same bytes, whatever characters the strings contain. Callers write a
/// label before each field, which keeps fields that happen to hold equal values apart.
struct CanonicalEncoder {
    private(set) var hasher = SHA256()

    mutating func append(_ value: UInt64) {
        var bigEndian = value.bigEndian
        withUnsafeBytes(of: &bigEndian) { hasher.update($0) }
    }

    mutating func append(_ value: Int) {
        append(UInt64(bitPattern: Int64(value)))
    }

    mutating func append(_ value: Bool) {
        append(value ? 1 as UInt64 : 0)
    }

    mutating func append(_ string: String) {
        append(UInt64(string.utf8.count))
        hasher.update(string)
    }

    mutating func append(_ digest: Digest) {
        hasher.update(digest.bytes)
    }

    /// Appends an optional string as a presence flag followed by the string.
    mutating func append(_ string: String?) {
        append(string != nil)
        if let string {
            append(string)
        }
    }

    /// Appends `label`, then the list's element count, then each element through `body`.
    mutating func appendList<Element>(
        _ label: String,
        _ elements: [Element],
        _ body: (inout CanonicalEncoder, Element) -> Void
    ) {
        append(label)
        append(elements.count)
        for element in elements {
            body(&self, element)
        }
    }

    /// Returns the SHA-256 of everything appended so far.
    consuming func finalize() -> Digest {
        hasher.finalize()
    }
}

extension Sequence where Element == String {
    /// Returns the elements sorted by their UTF-8 bytes, an order that does not depend on the
    /// locale or on Unicode normalization.
    func sortedByBytes() -> [String] {
        sorted(by: String.precedesByBytes)
    }
}

extension String {
    /// Returns whether the UTF-8 bytes of `first` sort before those of `second`.
    ///
    /// Compares the contiguous storage with `memcmp`: the generic comparison of the two UTF-8
    /// views took an eighth of a `dagrun status` of 100,000 inputs.
    static func precedesByBytes(_ first: String, _ second: String) -> Bool {
        let order = first.utf8.withContiguousStorageIfAvailable { firstBytes in
            second.utf8.withContiguousStorageIfAvailable { secondBytes in
                let shared = Swift.min(firstBytes.count, secondBytes.count)
                if shared > 0, let a = firstBytes.baseAddress, let b = secondBytes.baseAddress {
                    let order = memcmp(a, b, shared)
                    if order != 0 {
                        return order < 0
                    }
                }
                return firstBytes.count < secondBytes.count
            }
        }
        return (order ?? nil) ?? first.utf8.lexicographicallyPrecedes(second.utf8)
    }
}
