#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Synchronization

/// The one owner of dagrun's standard output and standard error.
///
/// Every line dagrun prints goes through a console, under one lock, so lines from parallel jobs
/// never interleave mid-line. Colour and symbols are used only when standard output is a terminal
/// whose `TERM` is not `dumb` and `NO_COLOR` is unset (https://no-color.org), or not when
/// `--no-color` is given. Thread-safe.
public final class Console: Sendable {
    /// How much the user asked to see: `-q` is `.quiet`, `-v` is `.verbose`.
    public enum Verbosity: Int, Sendable, Comparable {
        case quiet, normal, verbose

        public static func < (lhs: Verbosity, rhs: Verbosity) -> Bool {
            lhs.rawValue < rhs.rawValue
        }
    }

    /// The standard stream a line goes to.
    public enum Stream: Sendable {
        case output, error

        var descriptor: Int32 { self == .output ? 1 : 2 }
    }

    /// An SGR colour or weight for dagrun's own text.
    public enum Style: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", cyan = "36"
    }

    public let verbosity: Verbosity
    /// True when dagrun's own text may carry colour and symbols.
    public let isStyled: Bool
    /// The lock that serializes writes; it guards no data of its own.
    private let writeLock = Mutex<Void>(())

    public init(verbosity: Verbosity, isStyled: Bool) {
        self.verbosity = verbosity
        self.isStyled = isStyled
    }

    /// Creates a console for this process, styled only on a capable terminal.
    ///
    /// - Parameters:
    ///   - environment: the process environment, read for `NO_COLOR` and `TERM`.
    ///   - colorDisabled: true when the user passed `--no-color`.
    public static func standard(
        verbosity: Verbosity,
        colorDisabled: Bool,
        environment: [String: String]
    ) -> Console {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let dumbTerminal = environment["TERM"] == "dumb"
        let terminal = isatty(1) == 1
        return Console(verbosity: verbosity, isStyled: terminal && !dumbTerminal && !noColor && !colorDisabled)
    }

    /// Writes `text` followed by a newline, as one write under the console's lock.
    public func line(_ text: String, to stream: Stream = .output) {
        write(text + "\n", to: stream)
    }

    /// Writes several lines as one block, so no other line lands inside it.
    public func block(_ lines: [String], to stream: Stream = .output) {
        guard !lines.isEmpty else { return }
        write(lines.joined(separator: "\n") + "\n", to: stream)
    }

    /// Prints `dagrun: error: MESSAGE` on standard error, whatever the verbosity.
    public func error(_ message: String) {
        line(style("dagrun: error:", .red, .bold) + " " + message, to: .error)
    }

    /// Prints `dagrun: warning: MESSAGE` on standard error unless the verbosity is quiet.
    public func warning(_ message: String) {
        guard verbosity > .quiet else { return }
        line(style("dagrun: warning:", .yellow, .bold) + " " + message, to: .error)
    }

    /// Wraps `text` in the SGR codes for `styles` when the console is styled; otherwise returns it.
    public func style(_ text: String, _ styles: Style...) -> String {
        guard isStyled, !styles.isEmpty else { return text }
        let codes = styles.map(\.rawValue).joined(separator: ";")
        return "\u{1B}[\(codes)m\(text)\u{1B}[0m"
    }

    /// Returns `symbol` followed by a space on a styled console, and nothing otherwise.
    public func symbol(_ symbol: String) -> String {
        isStyled ? symbol + " " : ""
    }

    /// Writes raw bytes to the stream, retrying short writes and `EINTR`.
    ///
    /// A closed pipe (`EPIPE`) or a full disk ends the write silently: output is best-effort, and the
    /// exit status still reports the run's result.
    public func write(_ text: String, to stream: Stream) {
        var bytes = Array(text.utf8)
        writeLock.withLock { _ in
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(stream.descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }
}
