/// One compiled segment of a glob, the part between two `/`.
///
/// Segments match whole path segments. A segment matcher is never given a `/`, which keeps `*`,
/// `?` and `[...]` from crossing folders.
enum GlobSegment: Sendable {
    /// `**`: any number of path segments, including none.
    case globstar
    /// A name without wildcards, compared byte for byte.
    case literal([UInt8])
    /// `*` alone: any one name.
    case anyName
    /// A name with wildcards, matched token by token.
    case wildcard([GlobToken])

    /// Returns whether this segment matches the path segment `name`; `.globstar` never does, because
    /// the caller handles it.
    func matches(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .globstar:
            return false
        case .anyName:
            return true
        case .literal(let bytes):
            return bytes.elementsEqual(name)
        case .wildcard(let tokens):
            return GlobToken.matches(tokens, name)
        }
    }
}

/// One element of a wildcard segment.
enum GlobToken: Sendable {
    case literal([UInt8])
    /// `?`: exactly one character (one Unicode scalar, however many UTF-8 bytes it takes).
    case anyCharacter
    /// `*`: any run of characters, including none.
    case anyRun
    /// `[...]`: one character from the class.
    case characterClass(GlobCharacterClass)

    /// Matches `tokens` against the whole of `name`.
    ///
    /// Every token but `*` matches in at most one way at a given position, so backtracking only to
    /// the most recent `*` is enough. The cost is O(tokens × name) at worst.
    static func matches(_ tokens: [GlobToken], _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        var tokenIndex = 0
        var position = 0
        var lastRunToken = -1
        var lastRunEnd = 0

        while tokenIndex < tokens.count || position < name.count {
            if tokenIndex < tokens.count {
                switch tokens[tokenIndex] {
                case .anyRun:
                    lastRunToken = tokenIndex
                    lastRunEnd = position
                    tokenIndex += 1
                    continue
                case .literal(let bytes):
                    if hasPrefix(name, bytes, at: position) {
                        position += bytes.count
                        tokenIndex += 1
                        continue
                    }
                case .anyCharacter:
                    if position < name.count {
                        position += decodeScalar(name, at: position).length
                        tokenIndex += 1
                        continue
                    }
                case .characterClass(let characterClass):
                    if position < name.count {
                        let (value, length) = decodeScalar(name, at: position)
                        if characterClass.contains(value) {
                            position += length
                            tokenIndex += 1
                            continue
                        }
                    }
                }
            }
            // A mismatch: let the last `*` take one more character and try again from there.
            guard lastRunToken >= 0, lastRunEnd < name.count else {
                return false
            }
            lastRunEnd += decodeScalar(name, at: lastRunEnd).length
            position = lastRunEnd
            tokenIndex = lastRunToken + 1
        }
        return true
    }

    private static func hasPrefix(_ name: UnsafeBufferPointer<UInt8>, _ bytes: [UInt8], at position: Int) -> Bool {
        guard name.count - position >= bytes.count else {
            return false
        }
        for offset in 0..<bytes.count where name[position + offset] != bytes[offset] {
            return false
        }
        return true
    }

    /// Decodes the UTF-8 sequence at `position`. An invalid byte decodes alone, to a value in
    /// U+DC80...U+DCFF that no character class written in a pattern can contain.
    static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> (value: UInt32, length: Int) {
        let lead = bytes[position]
        let length: Int
        var value: UInt32
        switch lead {
        case 0x00...0x7F:
            return (UInt32(lead), 1)
        case 0xC2...0xDF:
            length = 2
            value = UInt32(lead & 0x1F)
        case 0xE0...0xEF:
            length = 3
            value = UInt32(lead & 0x0F)
        case 0xF0...0xF4:
            length = 4
            value = UInt32(lead & 0x07)
        default:
            return (0xDC00 | UInt32(lead), 1)
        }
        guard position + length <= bytes.count else {
            return (0xDC00 | UInt32(lead), 1)
        }
        for offset in 1..<length {
            let byte = bytes[position + offset]
            guard byte & 0xC0 == 0x80 else {
                return (0xDC00 | UInt32(lead), 1)
            }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }
}

/// A `[...]` class: single characters and ranges of Unicode scalars, possibly negated.
struct GlobCharacterClass: Sendable {
    var ranges: [ClosedRange<UInt32>]
    /// True for `[!...]` and `[^...]`.
    var isNegated: Bool

    func contains(_ value: UInt32) -> Bool {
        let isMember = ranges.contains { $0.contains(value) }
        return isMember != isNegated
    }
}
