/// One line of a child's output, without its line feed, with the bytes exactly as written.
public struct OutputLine: Sendable, Hashable {
    public var stream: ChildProcess.Stream
    /// The line's bytes without the trailing `\n`; a carriage return before it is kept.
    public var bytes: [UInt8]

    public init(stream: ChildProcess.Stream, bytes: [UInt8]) {
        self.stream = stream
        self.bytes = bytes
    }

    /// The line as text, with each invalid UTF-8 sequence replaced by U+FFFD.
    public var text: String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// Cuts one stream's chunks of output into lines.
///
/// A line longer than `maximumLineLength` bytes is passed on in pieces of that length, so that
/// output without line feeds does not grow without bound. Not thread-safe: the owner serializes
/// calls, as the single monitor thread of a child does.
public struct OutputLineSplitter: Sendable {
    public var stream: ChildProcess.Stream
    public var maximumLineLength: Int
    private var pending: [UInt8] = []

    public init(stream: ChildProcess.Stream, maximumLineLength: Int = 64 * 1024) {
        self.stream = stream
        self.maximumLineLength = max(1, maximumLineLength)
    }

    /// Adds `chunk` and returns the lines that it completes.
    public mutating func append(_ chunk: [UInt8]) -> [OutputLine] {
        var lines: [OutputLine] = []
        var rest = chunk[...]
        while !rest.isEmpty {
            let room = maximumLineLength - pending.count
            // One byte beyond the room, so that a line of exactly the maximum length still
            // ends at its own line feed.
            if let newline = rest.prefix(room + 1).firstIndex(of: UInt8(ascii: "\n")) {
                pending.append(contentsOf: rest[..<newline])
                rest = rest[(newline + 1)...]
            } else {
                let window = rest.prefix(room)
                pending.append(contentsOf: window)
                rest = rest.dropFirst(window.count)
                guard pending.count >= maximumLineLength else {
                    break
                }
            }
            lines.append(OutputLine(stream: stream, bytes: pending))
            pending.removeAll(keepingCapacity: true)
        }
        return lines
    }

    /// Returns the last line when the output did not end with a line feed, and resets.
    public mutating func finish() -> OutputLine? {
        guard !pending.isEmpty else {
            return nil
        }
        defer { pending.removeAll() }
        return OutputLine(stream: stream, bytes: pending)
    }
}
