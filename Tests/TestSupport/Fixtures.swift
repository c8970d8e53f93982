import Foundation

/// The repository's `fixtures/` folder, and copies of its workflows for tests to change.
public enum Fixtures {
    /// The absolute path of `fixtures/`, found from this source file's location.
    public static var directory: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
            .appendingPathComponent("fixtures")
            .path
    }

    /// Copies `fixtures/<name>` into a fresh temporary folder named after the test.
    public static func copy(_ name: String, test: String = #function) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory(test)
        let source = directory + "/" + name
        let entries = try FileManager.default.contentsOfDirectory(atPath: source)
        for entry in entries where entry != ".dagrun" && entry != "artifacts" && entry != "out" && entry != "dist" {
            try FileManager.default.copyItem(atPath: source + "/" + entry, toPath: folder.path + "/" + entry)
        }
        return folder
    }
}
