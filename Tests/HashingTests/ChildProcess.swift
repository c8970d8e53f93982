import Foundation

/// Runs `executable` (looked up on PATH) with `arguments`, waits, and returns its standard output.
///
/// Test-only: Foundation's `Process` is enough for short tools such as `openssl` and `sqlite3`.
func runTool(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let output = Pipe()
    process.standardOutput = output
    let inputPipe = Pipe()
    if input != nil {
        process.standardInput = inputPipe
    }
    try process.run()
    if let input {
        inputPipe.fileHandleForWriting.write(Data(input.utf8))
        try inputPipe.fileHandleForWriting.close()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Parses the `DIGEST *PATH` or `DIGEST  PATH` lines of `sha256sum` and `openssl dgst -r`.
func parseDigestLines(_ output: String) -> [String: String] {
    var digests: [String: String] = [:]
    for line in output.split(separator: "\n") {
        let parts = line.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { continue }
        var path = String(parts[1])
        while path.hasPrefix(" ") || path.hasPrefix("*") {
            path.removeFirst()
        }
        digests[path] = String(parts[0])
    }
    return digests
}
