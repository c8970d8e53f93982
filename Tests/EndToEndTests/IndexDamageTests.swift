import Foundation
import Testing
import TestSupport

/// A hash index damaged after it opened: the command rebuilds it and prints a warning.
@Suite struct IndexDamageTests {
    static let workflow = """
        jobs:
          - name: gen
            runs: cat src/*.txt > /dev/null
            inputs: [src/**]
        """

    /// Runs the workflow once, then overwrites every page of the index but the first, which
    /// contains the schema, so that the index opens and fails at its first query.
    private func damagedWorkspace() async throws -> TemporaryDirectory {
        let workspace = try TemporaryDirectory()
        try workspace.write("workflow.yml", Self.workflow)
        try workspace.write("src/a.txt", "a\n")
        let first = try await CommandRunner.dagrun(["run"], in: workspace.path)
        #expect(first.status == 0, "\(first.output)\(first.error)")
        // The pages may still be in the write-ahead log: move them into the file first.
        let checkpoint = try await CommandRunner.shell("sqlite3 .dagrun/index.db 'PRAGMA wal_checkpoint(TRUNCATE)'", in: workspace.path)
        #expect(checkpoint.status == 0, "\(checkpoint.error)")
        let size = try FileManager.default.attributesOfItem(atPath: "\(workspace.path)/.dagrun/index.db")[.size] as? Int ?? 0
        #expect(size > 65536)
        try await CommandRunner.shell(
            "head -c \(size - 65536) /dev/zero | tr '\\0' j | dd of=.dagrun/index.db bs=65536 seek=1 conv=notrunc status=none",
            in: workspace.path
        )
        try workspace.write("src/a.txt", "edited\n")
        return workspace
    }

    @Test func runWarnsAboutIndexDamagedInUse() async throws {
        let workspace = try await damagedWorkspace()
        defer { workspace.remove() }

        let result = try await CommandRunner.dagrun(["run"], in: workspace.path)

        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.error.contains("is damaged"))
        #expect(result.error.contains("index.db.corrupt"))
        #expect(result.output.contains("gen"))
        #expect(workspace.exists(".dagrun/index.db.corrupt"))
    }

    @Test func statusWarnsAboutIndexDamagedInUse() async throws {
        let workspace = try await damagedWorkspace()
        defer { workspace.remove() }

        let result = try await CommandRunner.dagrun(["status"], in: workspace.path)

        #expect(result.error.contains("is damaged"))
        #expect(result.output.contains("src/a.txt"))
    }
}
