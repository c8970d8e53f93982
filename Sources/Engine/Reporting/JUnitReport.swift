import Synchronization

/// Collects run events into a JUnit XML report, the format CI servers display as test results.
///
/// Each job is a `<testcase>` in one `<testsuite name="dagrun">`: a failed job carries a
/// `<failure>` with the reason and the end of its log, a skipped job a `<skipped>`, and a cache
/// hit a `<system-out>` saying so. Thread-safe.
public final class JUnitReport: Sendable {
    private struct Case {
        var name: String
        var seconds: Double = 0
        var failure: (reason: String, log: [String])?
        var skipReason: String?
        var cached = false
    }

    /// The cases in the order their jobs first appeared in an event.
    private let cases = Mutex<[Case]>([])

    public init() {}

    /// Records what `event` reports about a job.
    public func record(_ event: RunEvent) {
        cases.withLock { cases in
            func update(_ job: Job.Name, _ change: (inout Case) -> Void) {
                if let index = cases.firstIndex(where: { $0.name == job.rawValue }) {
                    change(&cases[index])
                } else {
                    var newCase = Case(name: job.rawValue)
                    change(&newCase)
                    cases.append(newCase)
                }
            }
            switch event {
            case let .succeeded(job, duration, _, _):
                update(job) { $0.seconds = RunReporter.seconds(duration) }
            case let .cacheHit(job, _):
                update(job) { $0.cached = true }
            case let .failed(job, reason, _, _, logTail):
                update(job) { $0.failure = (reason, logTail) }
            case let .skipped(job, reason):
                update(job) { $0.skipReason = reason }
            case .started, .output, .retrying, .warning, .finished:
                break
            }
        }
    }

    /// Renders the report as an XML document.
    public func xml(totalDuration: Duration) -> String {
        let snapshot = cases.withLock { $0 }
        let failures = snapshot.filter { $0.failure != nil }.count
        let skipped = snapshot.filter { $0.skipReason != nil }.count
        let total = String(format2: RunReporter.seconds(totalDuration))
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="dagrun" tests="\#(snapshot.count)" failures="\#(failures)" skipped="\#(skipped)" time="\#(total)">"#,
            #"  <testsuite name="dagrun" tests="\#(snapshot.count)" failures="\#(failures)" skipped="\#(skipped)" time="\#(total)">"#,
        ]
        for job in snapshot {
            let opening = #"    <testcase classname="dagrun" name="\#(Self.escape(job.name))" time="\#(String(format2: job.seconds))""#
            if let failure = job.failure {
                lines.append(opening + ">")
                lines.append(#"      <failure message="\#(Self.escape(failure.reason))">\#(Self.escape(failure.log.joined(separator: "\n")))</failure>"#)
                lines.append("    </testcase>")
            } else if let reason = job.skipReason {
                lines.append(opening + ">")
                lines.append(#"      <skipped message="\#(Self.escape(reason))"/>"#)
                lines.append("    </testcase>")
            } else if job.cached {
                lines.append(opening + ">")
                lines.append("      <system-out>cache hit</system-out>")
                lines.append("    </testcase>")
            } else {
                lines.append(opening + "/>")
            }
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Escapes XML's special characters and drops control characters that XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\n", "\t", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20: result += "?"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
