/// Returns `bytes` as text for messages, showing each byte that is not valid UTF-8 as `\xNN`.
///
/// Linux file names are arbitrary bytes except `/` and NUL, so a name may not be valid UTF-8.
/// The result is for people to read, not a path to open: `caf\xE9.c` names a file whose name
/// ends in the Latin-1 byte 0xE9, but opening that string would look for other bytes.
public func displayPath(_ bytes: some Collection<UInt8>) -> String {
    var result = ""
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var remaining = bytes[...]

    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let encoded):
            result.unicodeScalars.append(Unicode.UTF8.decode(encoded))
            remaining = remaining.dropFirst(encoded.count)
        case .error(let length):
            for byte in remaining.prefix(length) {
                result += "\\x" + hexByte(byte)
            }
            remaining = remaining.dropFirst(length)
        case .emptyInput:
            return result
        }
    }
}

/// Decodes `bytes` as UTF-8, or returns nil when they are not valid UTF-8.
func decodedFileName(_ bytes: some Collection<UInt8>) -> String? {
    String(validating: bytes, as: UTF8.self)
}

private func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}
