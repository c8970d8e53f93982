import Basics
import Foundation
import Synchronization

/// The git work tree that contains a folder, and the hooks folder that git uses for it.
public struct GitRepository: Sendable {
    /// The absolute path of the top of the work tree; for a linked worktree, that worktree's top.
    public let topLevel: String
    /// The absolute path of the hooks folder: `core.hooksPath` when set, otherwise the hooks
    /// folder of the repository, which linked worktrees share.
    public let hooksDirectory: String

    /// Asks git about the work tree that contains `folder`.
    ///
    /// Runs `git rev-parse --show-toplevel --git-path hooks` in `folder`, which honours
    /// `core.hooksPath` and linked worktrees.
    /// - Parameter environment: The environment for git, which finds `git` on its `PATH`.
    /// - Throws: `HookError.notInRepository` outside a work tree (a bare repository included),
    ///   and `HookError.gitFailed` when git cannot be started.
    public static func locate(from folder: String, environment: [String: String]) async throws(HookError) -> GitRepository {
        let arguments = ["rev-parse", "--show-toplevel", "--git-path", "hooks"]
        let output: (status: ChildProcess.ExitStatus, standardOutput: String, standardError: String)
        do {
            output = try await run(["git"] + arguments, in: folder, environment: environment)
        } catch {
            throw .gitFailed(arguments: arguments, message: error.description)
        }
        guard output.status.isSuccess else {
            let message = output.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            throw .notInRepository(folder: folder, gitMessage: message.isEmpty ? output.status.description : message)
        }
        let lines = output.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 2, !lines[0].isEmpty, !lines[1].isEmpty else {
            throw .gitFailed(arguments: arguments, message: "unexpected output '\(output.standardOutput)'")
        }
        let hooks = lines[1].hasPrefix("/") ? lines[1] : folder + "/" + lines[1]
        return GitRepository(
            topLevel: lines[0],
            hooksDirectory: URL(fileURLWithPath: hooks).standardizedFileURL.path
        )
    }

    /// Runs a short command to its end and returns its status and output.
    private static func run(
        _ arguments: [String],
        in folder: String,
        environment: [String: String]
    ) async throws(SystemError) -> (status: ChildProcess.ExitStatus, standardOutput: String, standardError: String) {
        let collected = Mutex<(output: [UInt8], error: [UInt8])>(([], []))
        let child = try ChildProcess.spawn(arguments: arguments, environment: environment, directory: folder) { stream, bytes in
            collected.withLock { buffers in
                if stream == .standardOutput {
                    buffers.output += bytes
                } else {
                    buffers.error += bytes
                }
            }
        }
        let status = try await child.waitForExit()
        let (output, error) = collected.withLock { ($0.output, $0.error) }
        return (status, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }
}
