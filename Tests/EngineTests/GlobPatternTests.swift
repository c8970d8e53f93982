import Testing
@testable import Engine

@Suite struct GlobPatternTests {
    struct MatchCase: CustomTestStringConvertible, Sendable {
        var pattern: String
        var path: String
        var matches: Bool
        var testDescription: String { "'\(pattern)' \(matches ? "matches" : "does not match") '\(path)'" }
    }

    static let matchCases: [MatchCase] = [
        // Literal paths.
        MatchCase(pattern: "dist/app.tgz", path: "dist/app.tgz", matches: true),
        MatchCase(pattern: "dist/app.tgz", path: "dist/app.tg", matches: false),
        MatchCase(pattern: "dist/app.tgz", path: "dist/app.tgz/x", matches: false),
        MatchCase(pattern: "src", path: "src/a.c", matches: false),
        MatchCase(pattern: "./src/a.c", path: "src/a.c", matches: true),
        MatchCase(pattern: "src//a.c", path: "src/a.c", matches: true),
        MatchCase(pattern: "src/./a.c", path: "src/a.c", matches: true),
        // `*` and `?` stay within one name.
        MatchCase(pattern: "*.c", path: "a.c", matches: true),
        MatchCase(pattern: "*.c", path: ".c", matches: true),
        MatchCase(pattern: "*.c", path: "src/a.c", matches: false),
        MatchCase(pattern: "src/*", path: "src/a/b", matches: false),
        MatchCase(pattern: "a*b*c", path: "aXbYbZc", matches: true),
        MatchCase(pattern: "a*b*c", path: "aXbYbZ", matches: false),
        MatchCase(pattern: "a**b", path: "aXXb", matches: true),
        MatchCase(pattern: "a**b", path: "aX/b", matches: false),
        MatchCase(pattern: "?.c", path: "a.c", matches: true),
        MatchCase(pattern: "?.c", path: "ab.c", matches: false),
        MatchCase(pattern: "?.c", path: "é.c", matches: true),
        MatchCase(pattern: "*é", path: "caféé", matches: true),
        MatchCase(pattern: "a?b", path: "a/b", matches: false),
        // Dotfiles match wildcards.
        MatchCase(pattern: "*", path: ".env", matches: true),
        MatchCase(pattern: "src/**", path: "src/.hidden/x", matches: true),
        MatchCase(pattern: "?env", path: ".env", matches: true),
        // Character classes.
        MatchCase(pattern: "[abc].c", path: "b.c", matches: true),
        MatchCase(pattern: "[abc].c", path: "d.c", matches: false),
        MatchCase(pattern: "[a-c].c", path: "c.c", matches: true),
        MatchCase(pattern: "[!a-c].c", path: "c.c", matches: false),
        MatchCase(pattern: "[!a-c].c", path: "d.c", matches: true),
        MatchCase(pattern: "[^a-c].c", path: "d.c", matches: true),
        MatchCase(pattern: "[]].c", path: "].c", matches: true),
        MatchCase(pattern: "[!]].c", path: "].c", matches: false),
        MatchCase(pattern: "[a-].c", path: "-.c", matches: true),
        MatchCase(pattern: "[\\]x].c", path: "].c", matches: true),
        MatchCase(pattern: "[à-ê]", path: "é", matches: true),
        MatchCase(pattern: "[!a]", path: "é", matches: true),
        // Groups, nested and across folders.
        MatchCase(pattern: "src/{a,b}/x", path: "src/b/x", matches: true),
        MatchCase(pattern: "src/{a,b}/x", path: "src/c/x", matches: false),
        MatchCase(pattern: "*.{c,h}", path: "a.h", matches: true),
        MatchCase(pattern: "{a,b{c,d}}.txt", path: "bd.txt", matches: true),
        MatchCase(pattern: "{a,b{c,d}}.txt", path: "b.txt", matches: false),
        MatchCase(pattern: "{src/gen,lib}/*.c", path: "src/gen/a.c", matches: true),
        MatchCase(pattern: "{a}.c", path: "a.c", matches: true),
        MatchCase(pattern: "x{,.bak}", path: "x", matches: true),
        MatchCase(pattern: "x{,.bak}", path: "x.bak", matches: true),
        MatchCase(pattern: "[{]a", path: "{a", matches: true),
        // `**`.
        MatchCase(pattern: "src/**/*.c", path: "src/a.c", matches: true),
        MatchCase(pattern: "src/**/*.c", path: "src/x/y/a.c", matches: true),
        MatchCase(pattern: "src/**/*.c", path: "lib/a.c", matches: false),
        MatchCase(pattern: "**/*.c", path: "a.c", matches: true),
        MatchCase(pattern: "**/*.c", path: "a/b/c.c", matches: true),
        MatchCase(pattern: "**", path: "a/b/c", matches: true),
        MatchCase(pattern: "out/**", path: "out/app.txt", matches: true),
        MatchCase(pattern: "out/**", path: "out/a/b/c.txt", matches: true),
        MatchCase(pattern: "out/**", path: "out", matches: false),
        MatchCase(pattern: "out/", path: "out/a/b", matches: true),
        MatchCase(pattern: "a/**/b/**/c", path: "a/b/c", matches: true),
        MatchCase(pattern: "a/**/b/**/c", path: "a/x/b/y/z/c", matches: true),
        MatchCase(pattern: "a/**/b/**/c", path: "a/x/c", matches: false),
        MatchCase(pattern: "a/**/**/b", path: "a/b", matches: true),
        // Escapes.
        MatchCase(pattern: "a\\*b", path: "a*b", matches: true),
        MatchCase(pattern: "a\\*b", path: "axb", matches: false),
        MatchCase(pattern: "\\!x", path: "!x", matches: true),
        // Reserved folders at the root never match.
        MatchCase(pattern: "**", path: ".git/HEAD", matches: false),
        MatchCase(pattern: "**", path: ".dagrun/index.db", matches: false),
        MatchCase(pattern: "**", path: "artifacts/build/app.txt", matches: false),
        MatchCase(pattern: "**", path: "src/artifacts/x", matches: true),
        MatchCase(pattern: "*", path: ".git", matches: false),
        // Negation only marks the pattern; `matches` ignores it.
        MatchCase(pattern: "!src/*.c", path: "src/a.c", matches: true),
    ]

    @Test(arguments: matchCases)
    func matching(_ testCase: MatchCase) throws {
        let pattern = try GlobPattern(testCase.pattern)
        #expect(pattern.matches(testCase.path) == testCase.matches)
    }

    @Test(arguments: [
        ("out/**", "out"),
        ("src/*.c", "src"),
        ("dist/app.tgz", "dist"),
        ("*.c", ""),
        ("src/{a,b}/x", "src"),
        ("a/b/c/*.o", "a/b/c"),
        ("./src/x/", "src/x"),
        ("src//gen/*.c", "src/gen"),
        ("!gen/**", "gen"),
        ("a\\*b/c", "a*b"),
        ("a/[xy]/c", "a"),
        ("**/*.c", ""),
    ])
    func literalPrefix(pattern: String, prefix: String) throws {
        #expect(try GlobPattern(pattern).literalPrefix == prefix)
    }

    @Test func negationIsRecorded() throws {
        let pattern = try GlobPattern("!src/gen/**")
        #expect(pattern.isNegated)
        #expect(pattern.text == "!src/gen/**")
        #expect(try !GlobPattern("src/**").isNegated)
    }

    @Test(arguments: [
        ("", "invalid glob '': the pattern is empty"),
        ("   ", "invalid glob '   ': the pattern is blank"),
        ("!", "invalid glob '!': the pattern is empty"),
        ("/etc/passwd", "invalid glob '/etc/passwd': an absolute path is outside the workspace"),
        ("!/abs", "invalid glob '!/abs': an absolute path is outside the workspace"),
        ("../x", "invalid glob '../x': '..' leads outside the workspace"),
        ("a/../../x", "invalid glob 'a/../../x': '..' leads outside the workspace"),
        ("{a,..}/x", "invalid glob '{a,..}/x': '..' leads outside the workspace"),
        ("a/../b", "invalid glob 'a/../b': '..' is not allowed inside a glob"),
        ("src/[ab", "invalid glob 'src/[ab': '[' has no closing ']'"),
        ("[]", "invalid glob '[]': '[' has no closing ']'"),
        ("src/{a,b", "invalid glob 'src/{a,b': '{' has no closing '}'"),
        ("a\\", "invalid glob 'a\\': the pattern ends with a lone '\\'"),
        ("[z-a]", "invalid glob '[z-a]': the range 'z-a' is reversed"),
        (".", "invalid glob '.': it names the workspace root itself, not files in it"),
        ("artifacts/**", "invalid glob 'artifacts/**': files under 'artifacts/' at the workspace root never match"),
        ("./.git/HEAD", "invalid glob './.git/HEAD': files under '.git/' at the workspace root never match"),
        (
            "{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}",
            "invalid glob '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}': its '{...}' groups expand to more than 256 alternatives"
        ),
    ])
    func invalidPattern(text: String, message: String) {
        #expect {
            try GlobPattern(text)
        } throws: { error in
            guard let error = error as? GlobError else {
                return false
            }
            return error.message == message && error.hint != nil
        }
    }

    @Test func invalidPatternHint() {
        #expect(throws: GlobError.absolute("/abs")) {
            try GlobPattern("/abs")
        }
        #expect(GlobError.absolute("/abs").hint
            == "Write the path relative to the workspace root, the folder that holds the workflow file.")
    }

    @Test func equalityFollowsText() throws {
        #expect(try GlobPattern("src/**") == GlobPattern("src/**"))
        #expect(try GlobPattern("src/**") != GlobPattern("./src/**"))
    }
}
