import Testing
@testable import Basics

@Suite struct SystemErrorTests {
    @Test func messageNamesCallAndPath() {
        let error = SystemError(call: "open", subject: "/missing", code: 2)
        #expect(error.description == "open failed on '/missing': No such file or directory (errno 2)")
    }
}
