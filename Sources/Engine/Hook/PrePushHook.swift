import Foundation

/// The text of the pre-push hook that `dagrun hook install` writes, and how to recognize it.
///
/// The hook is a POSIX `sh` script. It runs the previous hook first when install moved one
/// aside, passing the hook's arguments and the refs that git writes to its standard input. It
/// then runs `dagrun -f <workflow> run` from the top of the work tree and exits with dagrun's
/// status, so a failed job blocks the push. dagrun is the binary that installed the hook, or
/// `dagrun` on `PATH` when that binary is gone.
public enum PrePushHook {
    /// The hook's file name in the hooks folder.
    public static let fileName = "pre-push"
    /// The name that a hook dagrun did not write is moved to, so dagrun's hook can run it first.
    public static let chainedFileName = "pre-push.local"
    /// The line that marks a hook as dagrun's; uninstall removes only a hook that has it.
    public static let marker = "# dagrun-hook: pre-push"
    /// The line that records that install moved the previous hook to `chainedFileName`.
    public static let chainMarker = "# dagrun-chained: " + chainedFileName

    /// Builds the hook script.
    ///
    /// - Parameters:
    ///   - dagrunPath: The absolute path of the dagrun binary to run.
    ///   - workflowPath: The workflow file, relative to the top of the work tree.
    ///   - chainsPreviousHook: True when the hook runs `pre-push.local` first.
    public static func script(dagrunPath: String, workflowPath: String, chainsPreviousHook: Bool) -> String {
        var lines = [
            "#!/bin/sh",
            marker,
            "# Written by 'dagrun hook install' and removed by 'dagrun hook uninstall'. It runs the",
            "# workflow's jobs before each push and blocks the push when one fails.",
        ]
        if chainsPreviousHook {
            lines.append(chainMarker)
            lines.append("# The hook that was here before is now \(chainedFileName); it runs first.")
        }
        lines += [
            "",
            "dagrun_binary=\(shellQuoted(dagrunPath))",
            "workflow_file=\(shellQuoted(workflowPath))",
            "",
        ]
        if chainsPreviousHook {
            lines += [
                "hook_folder=$(cd \"$(dirname \"$0\")\" && pwd) || exit 1",
                "if [ -x \"$hook_folder/\(chainedFileName)\" ]; then",
                "    refs=$(cat)",
                "    if [ -n \"$refs\" ]; then printf '%s\\n' \"$refs\"; fi | \"$hook_folder/\(chainedFileName)\" \"$@\" || exit $?",
                "fi",
                "",
            ]
        }
        lines += [
            "top=$(git rev-parse --show-toplevel) || exit 1",
            "cd \"$top\" || exit 1",
            "",
            "if [ -x \"$dagrun_binary\" ]; then",
            "    dagrun=$dagrun_binary",
            "elif command -v dagrun >/dev/null 2>&1; then",
            "    dagrun=dagrun",
            "else",
            "    echo \"dagrun pre-push hook: dagrun was not found at $dagrun_binary or on PATH, so the push is blocked.\" >&2",
            "    echo \"Install dagrun and run 'dagrun hook install' again, or push with --no-verify to skip the hook.\" >&2",
            "    exit 1",
            "fi",
            "",
            "\"$dagrun\" -f \"$workflow_file\" run </dev/null",
            "status=$?",
            "if [ \"$status\" -ne 0 ]; then",
            "    echo \"dagrun pre-push hook: the pipeline failed (exit status $status), so the push is blocked.\" >&2",
            "    echo \"Fix the failing job, or push with --no-verify to skip the hook.\" >&2",
            "fi",
            "exit \"$status\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Returns whether `contents` is a hook that dagrun wrote.
    public static func isDagrunHook(_ contents: String) -> Bool {
        contents.split(separator: "\n").contains { $0 == marker }
    }

    /// Returns whether the dagrun hook `contents` runs a previous hook that install moved aside.
    public static func chainsPreviousHook(_ contents: String) -> Bool {
        contents.split(separator: "\n").contains { $0 == chainMarker }
    }

    /// Returns `text` as one `sh` word in single quotes, with each `'` written as `'\''`.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
