import Foundation

/// A fresh folder under the system's temporary folder, named after the test that made it.
///
/// The folder is removed by `remove()`; tests call it in a `defer`.
public struct TemporaryDirectory: Sendable {
    /// The absolute path of the folder, without a trailing slash.
    public let path: String

    public init(_ name: String = #function) throws {
        let safeName = name.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        let base = FileManager.default.temporaryDirectory.path
        let folder = "\(base)/dagrun-\(safeName.prefix(60))-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Resolve /tmp symbolic links so paths compare equal to what the code under test reports.
        path = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
    }

    /// Writes `contents` to `relativePath`, creating parent folders, and returns the absolute path.
    @discardableResult
    public func write(_ relativePath: String, _ contents: String) throws -> String {
        let full = "\(path)/\(relativePath)"
        let parent = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try contents.write(toFile: full, atomically: false, encoding: .utf8)
        return full
    }

    /// Reads `relativePath` as UTF-8 text.
    public func read(_ relativePath: String) throws -> String {
        try String(contentsOfFile: "\(path)/\(relativePath)", encoding: .utf8)
    }

    /// Returns whether something exists at `relativePath`.
    public func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(path)/\(relativePath)")
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
