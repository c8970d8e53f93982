import Testing
@testable import Basics

@Suite struct ProcessOutputLineTests {
    /// Feeds `chunks` to a splitter and returns every line as text, the final partial one included.
    private func split(_ chunks: [String], maximumLineLength: Int = 64 * 1024) -> [String] {
        var splitter = OutputLineSplitter(stream: .standardOutput, maximumLineLength: maximumLineLength)
        var lines = chunks.flatMap { splitter.append(Array($0.utf8)) }
        if let last = splitter.finish() {
            lines.append(last)
        }
        return lines.map(\.text)
    }

    @Test(arguments: [
        (["a\nb\n"], ["a", "b"]),
        (["a", "b\nc"], ["ab", "c"]),
        (["\n\n"], ["", ""]),
        (["no newline"], ["no newline"]),
        (["crlf\r\n"], ["crlf\r"]),
        ([], []),
    ])
    func splitsChunksIntoLines(chunks: [String], expected: [String]) {
        #expect(split(chunks) == expected)
    }

    @Test(arguments: [
        (["abcdefgh\n"], ["abcd", "efgh"]),
        (["abcd\n"], ["abcd"]),
        (["ab", "cdef\n"], ["abcd", "ef"]),
        (["abcdabcdab"], ["abcd", "abcd", "ab"]),
    ])
    func cutsLongLines(chunks: [String], expected: [String]) {
        #expect(split(chunks, maximumLineLength: 4) == expected)
    }

    @Test func keepsInvalidUTF8Bytes() {
        var splitter = OutputLineSplitter(stream: .standardError)
        let lines = splitter.append([0x66, 0xff, 0x0a])
        #expect(lines == [OutputLine(stream: .standardError, bytes: [0x66, 0xff])])
        #expect(lines.first?.text == "f\u{FFFD}")
    }
}
