import Testing
@testable import Engine

@Suite struct DurationTests {
    @Test(arguments: [
        ("90", Duration.seconds(90)),
        ("0", .zero),
        ("1.5", .milliseconds(1500)),
        ("500ms", .milliseconds(500)),
        ("10s", .seconds(10)),
        ("1.5s", .milliseconds(1500)),
        ("5m", .seconds(300)),
        ("1h", .seconds(3600)),
        ("0.25h", .seconds(900)),
        ("1.0005s", .milliseconds(1001)),
        (".5s", .milliseconds(500)),
    ])
    func parsesDuration(text: String, expected: Duration) {
        #expect(parseDuration(text) == expected)
    }

    @Test(arguments: ["", "s", "ms", "-1", "+5", "1e3", "inf", "nan", "10 s", " 10s", "10min", "1d", "1.2.3s", ".", "1h30m", "1e13h", "99999999999999999"])
    func rejectsDuration(text: String) {
        #expect(parseDuration(text) == nil)
    }
}
