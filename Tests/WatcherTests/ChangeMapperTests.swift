import Testing
import Watcher

@Suite struct ChangeMapperTests {
    /// Returns a stand-in for the engine's glob matcher: the path starts with one of `prefixes` and ends
    /// with one of `suffixes`.
    static func matcher(prefixes: [String], suffixes: [String]) -> @Sendable (String) -> Bool {
        { path in
            prefixes.contains { path.hasPrefix($0) } && suffixes.contains { path.hasSuffix($0) }
        }
    }

    let mapper = ChangeMapper(jobs: [
        (job: "build", matches: matcher(prefixes: ["src/"], suffixes: [".c", ".h"]), patterns: ["src/**/*.c", "include/*.h"]),
        (job: "docs", matches: matcher(prefixes: ["docs/"], suffixes: [".md"]), patterns: ["docs/**/*.md"]),
        (job: "lint", matches: matcher(prefixes: ["src/"], suffixes: [".c"]), patterns: ["src/**/*.c", "!src/gen/**"]),
    ])

    @Test func triggersMatchingJobsWithPathAndPattern() {
        let batch = ChangeBatch(changes: [
            FileChange(path: "src/main.c", kinds: .modified),
            FileChange(path: "docs/guide.md", kinds: .created),
        ])

        let triggers = mapper.triggers(for: batch)
        #expect(triggers.map(\.job) == ["build", "docs", "lint"])
        #expect(triggers.first?.matches == [ChangeMapper.Match(path: "src/main.c", pattern: "src/**/*.c")])
        #expect(triggers.dropFirst().first?.matches == [ChangeMapper.Match(path: "docs/guide.md", pattern: "docs/**/*.md")])
        #expect(triggers.last?.matches == [ChangeMapper.Match(path: "src/main.c", pattern: "src/**/*.c")])
    }

    @Test func unmatchedPathTriggersNothing() {
        let batch = ChangeBatch(changes: [
            FileChange(path: "README.md", kinds: .modified),
            FileChange(path: "src/notes.txt", kinds: .created),
        ])
        #expect(mapper.triggers(for: batch).isEmpty)
    }

    @Test func listsEveryMatchingPathSorted() {
        let triggers = mapper.triggers(for: ["src/z.c", "src/a.h", "src/b.c"])
        let build = triggers.first { $0.job == "build" }
        #expect(build?.matches.map(\.path) == ["src/a.h", "src/b.c", "src/z.c"])
        let lint = triggers.first { $0.job == "lint" }
        #expect(lint?.matches.map(\.path) == ["src/b.c", "src/z.c"])
    }

    @Test func decidingPatternComesFromRule() {
        let rule = ChangeMapper.Rule(job: "test", patterns: ["tests/**", "fixtures/**"]) { path in
            path.hasPrefix("fixtures/") ? "fixtures/**" : nil
        }
        let triggers = ChangeMapper(rules: [rule]).triggers(for: ["fixtures/a.yml", "tests/x.swift"])
        #expect(triggers == [ChangeMapper.Trigger(job: "test", matches: [ChangeMapper.Match(path: "fixtures/a.yml", pattern: "fixtures/**")])])
    }

    @Test func scopeCoversEveryJobsInputs() {
        let scope = mapper.scope(ignoring: ["out/report.xml"])
        #expect(scope.prefixes == ["src", "include", "docs"])
        #expect(scope.ignoredPaths == ["out/report.xml"])
    }
}
