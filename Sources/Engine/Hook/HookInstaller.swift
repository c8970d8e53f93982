#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Basics

/// Installs and removes dagrun's pre-push hook in one hooks folder.
///
/// A hook that dagrun did not write is never overwritten: install moves it to
/// `pre-push.local`, which dagrun's hook runs first, and uninstall moves it back. When
/// `pre-push.local` is taken as well, install stops with a message that shows how to chain dagrun by hand.
/// Files are replaced by renaming, so git never runs a half-written hook.
public struct HookInstaller: Sendable {
    /// The result of `install`.
    public enum Installation: Sendable, Equatable {
        /// Wrote a new hook; no hook was there before.
        case installed
        /// Replaced an earlier dagrun hook, keeping its chain if it had one.
        case updated
        /// Moved the previous hook to `pre-push.local` and wrote a hook that runs it first.
        case chained(previous: String)
    }

    /// The result of `uninstall`.
    public enum Removal: Sendable, Equatable {
        /// Removed dagrun's hook.
        case removed
        /// Removed dagrun's hook and moved the previous hook back to `pre-push`.
        case restored(previous: String)
        /// Found no hook at all.
        case notInstalled
        /// Left a hook that dagrun did not write where it was.
        case leftForeignHook
    }

    /// The absolute path of the hooks folder, as `git rev-parse --git-path hooks` names it.
    public let hooksDirectory: String

    public init(hooksDirectory: String) {
        self.hooksDirectory = hooksDirectory
    }

    /// The path of the pre-push hook.
    public var hookPath: String { hooksDirectory + "/" + PrePushHook.fileName }
    /// The path that a previous hook is moved to.
    public var chainedPath: String { hooksDirectory + "/" + PrePushHook.chainedFileName }

    /// Writes dagrun's hook, chaining a hook that dagrun did not write.
    ///
    /// - Parameters:
    ///   - dagrunPath: The absolute path of the dagrun binary that the hook runs.
    ///   - workflowPath: The workflow file relative to the top of the work tree.
    /// - Throws: `HookError.chainedHookExists` when a foreign hook is in place and
    ///   `pre-push.local` exists too, and `HookError.fileSystem` when a file cannot be written.
    public func install(dagrunPath: String, workflowPath: String) throws(HookError) -> Installation {
        let existing: String?
        let chainedExists: Bool
        do throws(SystemError) {
            existing = try readHook(hookPath)
            chainedExists = try FileOperations.status(chainedPath) != nil
        } catch {
            throw .fileSystem(error)
        }

        let installation: Installation
        let chains: Bool
        switch existing {
        case nil:
            installation = .installed
            chains = false
        case let contents? where PrePushHook.isDagrunHook(contents):
            installation = .updated
            chains = PrePushHook.chainsPreviousHook(contents)
        case .some:
            guard !chainedExists else {
                let command = "\(PrePushHook.shellQuoted(dagrunPath)) -f \(PrePushHook.shellQuoted(workflowPath)) run || exit 1"
                throw .chainedHookExists(hook: hookPath, chained: chainedPath, command: command)
            }
            installation = .chained(previous: chainedPath)
            chains = true
        }

        do throws(SystemError) {
            try FileOperations.createDirectories(hooksDirectory)
            if case .chained = installation {
                try FileOperations.rename(hookPath, to: chainedPath)
            }
            let script = PrePushHook.script(dagrunPath: dagrunPath, workflowPath: workflowPath, chainsPreviousHook: chains)
            try FileOperations.writeFileAtomically(Array(script.utf8), to: hookPath, mode: 0o755)
            // The umask may have cleared execute bits from the mode above.
            try retryingInterrupts("chmod", subject: hookPath) { chmod(hookPath, 0o755) }
        } catch {
            throw .fileSystem(error)
        }
        return installation
    }

    /// Removes dagrun's hook and moves a chained previous hook back into place.
    ///
    /// A hook that dagrun did not write is left alone.
    /// - Throws: `HookError.fileSystem` when a file cannot be read, removed or renamed.
    public func uninstall() throws(HookError) -> Removal {
        do throws(SystemError) {
            guard let contents = try readHook(hookPath) else {
                return .notInstalled
            }
            guard PrePushHook.isDagrunHook(contents) else {
                return .leftForeignHook
            }
            if PrePushHook.chainsPreviousHook(contents), try FileOperations.status(chainedPath) != nil {
                try FileOperations.rename(chainedPath, to: hookPath)
                return .restored(previous: hookPath)
            }
            try retryingInterrupts("unlink", subject: hookPath) { unlink(hookPath) }
            return .removed
        } catch {
            throw .fileSystem(error)
        }
    }

    /// Returns the hook's text, or nil when there is no hook. Bytes that are not UTF-8 are
    /// replaced, because the text is only searched for the marker line.
    private func readHook(_ path: String) throws(SystemError) -> String? {
        guard try FileOperations.status(path) != nil else { return nil }
        return String(decoding: try FileOperations.readFile(path), as: UTF8.self)
    }
}
