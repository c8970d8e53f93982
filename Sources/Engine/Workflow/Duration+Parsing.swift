/// Parses a duration as a workflow writes it: seconds (`90`, `1.5`) or a number with a unit
/// (`500ms`, `10s`, `5m`, `1h`, `1.5s`), rounded to the nearest millisecond.
///
/// Returns nil for anything else: a negative or missing number, another unit, spaces, or a value
/// of more than 10^12 seconds (about 31,700 years), which `Duration` could not hold exactly.
public func parseDuration(_ text: String) -> Duration? {
    let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
    var number = Substring(text)
    var scale = 1.0
    if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
        number = number.dropLast(unit.suffix.count)
        scale = unit.seconds
    }
    // Only digits with at most one '.', so "1e3", "inf", "+5" and "-1" are rejected.
    let isDecimal = !number.isEmpty
        && number.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        && number.filter { $0 == "." }.count <= 1
        && number != "."
    guard isDecimal, let value = Double(number) else {
        return nil
    }
    let seconds = value * scale
    guard seconds <= 1e12 else {
        return nil
    }
    let milliseconds = (seconds * 1000).rounded()
    let wholeSeconds = Int64(milliseconds / 1000)
    let remainder = Int64(milliseconds) - wholeSeconds * 1000
    return .seconds(wholeSeconds) + .milliseconds(remainder)
}
