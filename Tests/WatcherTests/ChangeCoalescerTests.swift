import Testing
import Watcher

@Suite struct ChangeCoalescerTests {
    let start = ContinuousClock.now

    @Test func mergesKindsPerPath() {
        var coalescer = ChangeCoalescer()
        coalescer.add(.change(path: "src/b.c", kind: .created), at: start)
        coalescer.add(.change(path: "src/a.c", kind: .attributes), at: start)
        coalescer.add(.change(path: "src/b.c", kind: .modified), at: start)

        let batch = coalescer.takeBatchNow()
        #expect(batch?.paths == ["src/a.c", "src/b.c"])
        #expect(batch?.kinds(of: "src/b.c") == [.created, .modified])
        #expect(batch?.kinds(of: "src/a.c") == .attributes)
        #expect(batch?.isRescanNeeded == false)
        #expect(coalescer.isEmpty)
    }

    @Test func waitsForQuietPeriod() {
        var coalescer = ChangeCoalescer(debounce: .milliseconds(100))
        coalescer.add(.change(path: "a", kind: .modified), at: start)
        coalescer.add(.change(path: "b", kind: .modified), at: start + .milliseconds(80))

        #expect(coalescer.quietDeadline == start + .milliseconds(180))
        #expect(coalescer.takeBatch(at: start + .milliseconds(150)) == nil)
        #expect(coalescer.takeBatch(at: start + .milliseconds(180))?.paths == ["a", "b"])
        #expect(coalescer.takeBatch(at: start + .seconds(10)) == nil)
    }

    @Test func thousandChangesMakeOneBatch() {
        var coalescer = ChangeCoalescer()
        for index in 0..<1000 {
            let time = start + .milliseconds(index / 10)
            coalescer.add(.change(path: "src/file\(index).txt", kind: .created), at: time)
            coalescer.add(.change(path: "src/file\(index).txt", kind: .modified), at: time)
        }

        let batch = coalescer.takeBatch(at: start + .seconds(1))
        #expect(batch?.changes.count == 1000)
        #expect(batch?.changes.allSatisfy { $0.kinds == [.created, .modified] } == true)
        #expect(coalescer.takeBatchNow() == nil)
    }

    @Test func carriesRescanAndWarningsOnce() {
        var coalescer = ChangeCoalescer()
        coalescer.add(.rescanNeeded, at: start)
        coalescer.add(.warning("limit reached"), at: start)
        coalescer.add(.warning("limit reached"), at: start)

        let batch = coalescer.takeBatchNow()
        #expect(batch?.isRescanNeeded == true)
        #expect(batch?.warnings == ["limit reached"])
        #expect(batch?.changes.isEmpty == true)
    }

    @Test func busyMarkAloneMakesNoBatch() {
        var coalescer = ChangeCoalescer()
        coalescer.markBusy(at: start)
        #expect(!coalescer.isEmpty)
        #expect(coalescer.takeBatch(at: start + .seconds(1)) == nil)
        #expect(coalescer.isEmpty)
    }

    @Test func kindsDescribeThemselves() {
        #expect(ChangeKind([.created, .modified]).description == "created,modified")
        #expect(ChangeKind.movedIn.description == "moved-in")
    }
}
