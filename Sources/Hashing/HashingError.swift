import Basics

/// A failure to hash an input file or to use the hash index.
public enum HashingError: UserError, CustomStringConvertible {
    /// A file could not be opened, read or stat'ed.
    case unreadableFile(path: String, cause: SystemError)
    /// A path names a folder, FIFO, socket or device instead of a file.
    case notAFile(path: String, type: String)
    /// A file changed during every attempt to read it.
    case fileKeepsChanging(path: String, attempts: Int)
    /// A folder of the tree could not be listed.
    case unreadableDirectory(path: String, cause: SystemError)
    /// SQLite failed on the hash index in a way that rebuilding does not cure (permissions,
    /// full disk, I/O error).
    case index(path: String, operation: String, message: String, code: Int32)

    public var message: String {
        switch self {
        case .unreadableFile(let path, let cause):
            "cannot read input file '\(path)': \(cause.reason) (\(cause.call), errno \(cause.code))"
        case .notAFile(let path, let type):
            "input '\(path)' is a \(type), not a file"
        case .fileKeepsChanging(let path, let attempts):
            "input file '\(path)' changed while it was read, \(attempts) times in a row"
        case .unreadableDirectory(let path, let cause):
            "cannot list folder '\(path)': \(cause.reason) (\(cause.call), errno \(cause.code))"
        case .index(let path, let operation, let message, let code):
            "hash index '\(path)': \(operation) failed: \(message) (SQLite code \(code))"
        }
    }

    public var hint: String? {
        switch self {
        case .unreadableFile, .unreadableDirectory:
            "Make it readable (for example with chmod u+r) or exclude it from the job's inputs."
        case .notAFile:
            "Inputs must be files or symbolic links to files; narrow the input glob."
        case .fileKeepsChanging:
            "Stop the process that writes to it, or exclude it from the job's inputs."
        case .index(_, _, _, let code) where code & 0xff == 13:
            "The disk is full: free some space and run again."
        case .index:
            "Check the permissions of the .dagrun folder; deleting .dagrun/index.db is safe."
        }
    }

    public var description: String { message }
}
