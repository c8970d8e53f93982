import Testing
import Watcher

@Suite struct WatchScopeTests {
    @Test(arguments: [
        ("src/**/*.c", "src"),
        ("src/**", "src"),
        ("*.c", ""),
        ("**/*.swift", ""),
        ("config/app.yml", "config/app.yml"),
        ("./docs/*.md", "docs"),
        ("lib/{a,b}/x", "lib"),
        ("a/b?/c", "a"),
        ("src/[ab].c", "src"),
        ("src//gen/*.c", "src/gen"),
    ])
    func literalPrefix(pattern: String, expected: String) {
        #expect(WatchScope.literalPrefix(of: pattern) == expected)
    }

    @Test func negatedPatternWatchesNothing() {
        #expect(WatchScope.literalPrefix(of: "!src/gen/**") == nil)
        let scope = WatchScope(inputPatterns: ["src/**", "!src/gen/**", "src/**/*.c"])
        #expect(scope.prefixes == ["src"])
    }

    @Test func coversPrefixesAndBelow() {
        let scope = WatchScope(prefixes: ["src", "config/app.yml"])
        #expect(scope.covers("src"))
        #expect(scope.covers("src/a/b.c"))
        #expect(scope.covers("config/app.yml"))
        #expect(!scope.covers("srcx/a.c"))
        #expect(!scope.covers("config/other.yml"))
        #expect(!scope.covers("README.md"))
    }

    @Test func watchesFoldersOnTheWay() {
        let scope = WatchScope(prefixes: ["a/b/c"])
        #expect(scope.needsWatch(folder: ""))
        #expect(scope.needsWatch(folder: "a"))
        #expect(scope.needsWatch(folder: "a/b"))
        #expect(scope.needsWatch(folder: "a/b/c/d"))
        #expect(!scope.needsWatch(folder: "a/x"))
        #expect(!scope.covers("a/b/file"))
    }

    @Test(arguments: [".git", ".git/HEAD", ".dagrun/index.db", "artifacts/build/app", "out/report.json"])
    func ignoresDagrunAndGitPaths(path: String) {
        let scope = WatchScope(prefixes: [""], ignoredPaths: ["out/report.json"])
        #expect(scope.isIgnored(path))
        #expect(!scope.covers(path))
        #expect(!scope.needsWatch(folder: path))
    }

    @Test func ignoresOnlyRootEntries() {
        let scope = WatchScope(prefixes: [""])
        #expect(scope.covers("src/artifacts/a.c"))
        #expect(scope.covers("src/.git"))
        #expect(scope.covers(".gitignore"))
    }

    @Test func topPrefixesDropNestedOnes() {
        let scope = WatchScope(prefixes: ["src/gen", "src", "docs"])
        #expect(scope.topPrefixes == ["src", "docs"])
    }
}
