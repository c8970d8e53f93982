#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CSystem

extension ChildProcess {
    /// The end of a child process, an exit status or a killing signal, as `waitpid` reports it.
    public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
        /// The process called `exit` with this status (0 through 255).
        case exited(Int32)
        /// The process was killed by this signal number.
        case signaled(Int32)

        /// True only for `exited(0)`.
        public var isSuccess: Bool {
            self == .exited(0)
        }

        /// "exited with status 3" or "killed by signal 9 (SIGKILL)".
        public var description: String {
            switch self {
            case .exited(let status):
                return "exited with status \(status)"
            case .signaled(let signal):
                return "killed by signal \(signal) (\(signalName(signal)))"
            }
        }

        /// Decodes a status word from `waitpid`; nil when the word reports a stop or a
        /// continue rather than the end of the process.
        init?(waitStatus status: Int32) {
            // The W* macros are not visible from Swift, so decode the Linux layout:
            // the low 7 bits hold the terminating signal, 0 for a normal exit,
            // and bits 8-15 hold the exit status.
            let signal = status & 0x7f
            if signal == 0 {
                self = .exited((status >> 8) & 0xff)
            } else if signal != 0x7f {
                self = .signaled(signal)
            } else {
                return nil
            }
        }
    }
}

/// Returns the conventional name of a signal number, such as "SIGKILL" for 9, or "signal 64" when the
/// C library has no name for it.
public func signalName(_ signal: Int32) -> String {
    guard let abbreviation = csystem_signal_abbreviation(signal) else {
        return "signal \(signal)"
    }
    return "SIG" + String(cString: abbreviation)
}
