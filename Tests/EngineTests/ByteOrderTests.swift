import Testing
@testable import Engine

/// The byte order that cache keys and manifests list paths in.
@Suite struct ByteOrderTests {
    static let paths = [
        "", "a", "a/b", "a-b", "a.txt", "a0", "B", "b", "é", "e\u{301}", "z", "\u{1F600}",
        "src/a-very-long-path-name-that-is-not-a-small-string.c", "src/a-very-long-path-name-that-is-not-a-small-string",
        "src/short.c",
    ]

    @Test func precedesByBytesMatchesUTF8Order() {
        for first in Self.paths {
            for second in Self.paths {
                #expect(
                    String.precedesByBytes(first, second) == first.utf8.lexicographicallyPrecedes(second.utf8),
                    "\(first) before \(second)"
                )
            }
        }
    }

    @Test func sortedByBytesPutsBytesInOrder() {
        let sorted = Self.paths.reversed().sortedByBytes()
        #expect(sorted == Self.paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(sorted.first == "")
        #expect(sorted.last == "\u{1F600}")
    }
}
