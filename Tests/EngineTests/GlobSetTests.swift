import Testing
@testable import Engine

@Suite struct GlobSetTests {
    @Test(arguments: [
        ("src/a.c", true),
        ("src/gen/x.c", false),
        ("src/gen/sub/y.c", false),
        ("src/gen/keep.c", true),
        ("lib/a.c", false),
    ])
    func lastMatchingPatternDecides(path: String, included: Bool) throws {
        let set = try GlobSet(["src/**", "!src/gen/**", "src/gen/keep.c"], purpose: .inputs)
        #expect(set.matches(path) == included)
    }

    @Test func decidingPatternIsLastPositiveMatch() throws {
        let set = try GlobSet(["out/**", "!out/tmp/**", "out/tmp/keep/**"], purpose: .artifacts)
        #expect(set.decidingPattern(for: "out/a.txt")?.text == "out/**")
        #expect(set.decidingPattern(for: "out/tmp/keep/b.txt")?.text == "out/tmp/keep/**")
        #expect(set.decidingPattern(for: "out/tmp/c.txt") == nil)
        #expect(set.decidingPattern(for: "elsewhere") == nil)
    }

    @Test func negationFirstExcludesNothingLater() throws {
        let set = try GlobSet(["!src/gen/**", "src/**"], purpose: .inputs)
        #expect(set.matches("src/gen/x.c"))
    }

    @Test(arguments: [
        "src/a.c.swp", "src/.a.c.swx", "src/a.c~", "src/.#a.c", "src/#a.c#", "src/4913",
        "a.swp", "4913",
    ])
    func editorTemporaryFilesAreNeverInputs(path: String) throws {
        let inputs = try GlobSet(["**"], purpose: .inputs)
        let artifacts = try GlobSet(["**"], purpose: .artifacts)
        #expect(!inputs.matches(path))
        #expect(artifacts.matches(path))
    }

    @Test(arguments: ["src/#", "src/49130", "src/a.swp.c", "src/a#"])
    func ordinaryNamesAreInputs(path: String) throws {
        let inputs = try GlobSet(["**"], purpose: .inputs)
        #expect(inputs.matches(path))
    }

    @Test(arguments: [".git/config", ".dagrun/index.db", "artifacts/build/a", ".git"])
    func reservedFoldersNeverMatch(path: String) throws {
        #expect(try !GlobSet(["**"], purpose: .inputs).matches(path))
        #expect(try !GlobSet(["**"], purpose: .artifacts).matches(path))
    }

    @Test func firstInvalidPatternThrows() {
        #expect(throws: GlobError.leavesWorkspace("../x")) {
            try GlobSet(["src/**", "../x", "/abs"], purpose: .inputs)
        }
    }

    @Test(arguments: [
        (["src/**", "src/gen/*.c", "lib/*.h"], ["src", "lib"]),
        (["src/gen/*.c", "src/**"], ["src"]),
        (["src/**", "*.md"], [""]),
        (["a/b/**", "a/bc/**", "a/b/c/*"], ["a/b", "a/bc"]),
        (["src/**", "!lib/**"], ["src"]),
        (["!lib/**"], []),
        (["src/**", "src/**"], ["src"]),
    ])
    func searchRoots(patterns: [String], roots: [String]) throws {
        #expect(try GlobSet(patterns, purpose: .inputs).searchRoots == roots)
    }

    @Test(arguments: [
        (["src/**"], "", true),
        (["src/**"], "src", true),
        (["src/**"], "src/deep/er", true),
        (["src/**"], "lib", false),
        (["src/*.c"], "src", true),
        (["src/*.c"], "src/sub", false),
        (["src/**/*.c"], "src/a/b", true),
        (["dist/app.tgz"], "dist", true),
        (["dist/app.tgz"], "dist/app.tgz", false),
        (["{a,b}/x/*"], "b/x", true),
        (["{a,b}/x/*"], "c", false),
        (["*/gen/*.c"], "anything", true),
        (["*/gen/*.c"], "anything/else", false),
        (["**"], ".git", false),
        (["**"], "artifacts/build", false),
        (["src/**", "!src/gen/**"], "src/gen", false),
        (["src/**", "!src/gen/**"], "src/gen/deep", false),
        (["src/**", "!src/gen/**", "src/gen/keep.c"], "src/gen", true),
        (["src/**", "!src/gen/*.c"], "src/gen", true),
        (["!src/gen/**", "src/**"], "src/gen", true),
    ])
    func mayContainMatches(patterns: [String], directory: String, expected: Bool) throws {
        let set = try GlobSet(patterns, purpose: .inputs)
        #expect(set.mayContainMatches(directory: directory) == expected)
    }
}
