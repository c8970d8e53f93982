/// The mapping between a path's raw bytes, as the kernel stores them, and the `String` that the
/// rest of dagrun passes around.
///
/// Linux file names are bytes, not text, and Swift replaces invalid UTF-8 with U+FFFD when it
/// decodes a name, which loses the name. So every byte that is not part of a valid UTF-8
/// sequence is carried as one scalar of the private-use range U+10FF80...U+10FFFF (the byte's
/// value plus U+10FF00), and turned back into the byte before any system call. A valid name that
/// itself contains a scalar of that range has the bytes of that scalar escaped the same way, so
/// the mapping is one-to-one. The index stores the raw bytes.
enum PathEncoding {
    private static let escapeBase: UInt32 = 0x10_FF00

    /// Returns the `String` form of the raw path `bytes`.
    static func string(from bytes: some Collection<UInt8>) -> String {
        // ASCII needs no validation, which for UTF-8 goes through generic, unspecialized code.
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        // Every escaped scalar starts with 0xF4, which valid names use only above U+FFFFF.
        if !bytes.contains(0xF4), let string = String(validating: bytes, as: UTF8.self) {
            return string
        }
        return escapedString(from: Array(bytes))
    }

    /// Returns the raw bytes that `path` stands for.
    static func bytes(of path: String) -> [UInt8] {
        guard path.utf8.contains(0xF4) else {
            return Array(path.utf8)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for scalar in path.unicodeScalars {
            if scalar.value >= escapeBase + 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: scalar.value - escapeBase))
            } else {
                bytes.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
        return bytes
    }

    /// Calls `body` with `path` as a NUL-terminated C string of its raw bytes.
    static func withCString<R, E: Error>(
        _ path: String,
        _ body: (UnsafePointer<CChar>) throws(E) -> R
    ) throws(E) -> R {
        var bytes = bytes(of: path)
        bytes.append(0)
        let result: Result<R, E> = bytes.withUnsafeBufferPointer { buffer in
            let pointer = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            do throws(E) {
                return .success(try body(pointer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func escapedString(from bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = UTF8.decode(encoded)
                if scalar.value >= escapeBase + 0x80 {
                    appendEscaped(bytes[offset..<offset + encoded.count], to: &scalars)
                } else {
                    scalars.append(scalar)
                }
                offset += encoded.count
            case .error(let length):
                appendEscaped(bytes[offset..<offset + length], to: &scalars)
                offset += length
            case .emptyInput:
                return String(scalars)
            }
        }
    }

    private static func appendEscaped(_ bytes: ArraySlice<UInt8>, to scalars: inout String.UnicodeScalarView) {
        for byte in bytes {
            // Bytes below 0x80 are ASCII and always valid, so only 0x80...0xFF reach this.
            scalars.append(Unicode.Scalar(escapeBase + UInt32(byte))!)
        }
    }
}
