import Basics
import Foundation
import Testing
import TestSupport
@testable import Engine

@Suite struct LoaderTests {
    private func load(_ yaml: String) throws -> (workflow: Workflow, warnings: [Diagnostic]) {
        try WorkflowLoader.load(text: yaml, file: "workflow.yml", root: "/w")
    }

    @Test func listOfJobs() throws {
        let (workflow, warnings) = try load("""
            jobs:
              - name: lint
                runs: ./lint.sh
              - name: build
                runs: make
                needs: lint
                inputs: src/**
                artifacts: [out/**, "!out/tmp/**"]

            """)
        #expect(warnings.isEmpty)
        #expect(workflow.file == "workflow.yml")
        #expect(workflow.root == "/w")
        #expect(workflow.jobs.map(\.name) == ["lint", "build"])

        let build = try #require(workflow.job(named: "build"))
        #expect(build.script == "make")
        #expect(build.needs == ["lint"])
        #expect(build.inputs == ["src/**"])
        #expect(build.artifacts == ["out/**", "!out/tmp/**"])
        #expect(build.location == SourceLocation(file: "workflow.yml", line: 4, column: 5))
    }

    @Test func mappingOfJobs() throws {
        let (workflow, _) = try load("""
            jobs:
              lint:
                runs: ./lint.sh
              build: {runs: make, needs: [lint], name: build}

            """)
        #expect(workflow.jobs.map(\.name) == ["lint", "build"])
        #expect(workflow.jobs[0].location == SourceLocation(file: "workflow.yml", line: 2, column: 3))
        #expect(workflow.jobs[1].needs == ["lint"])
    }

    @Test func defaultsApplyUnlessJobSetsItsOwn() throws {
        let (workflow, _) = try load("""
            defaults:
              retries: 2
              timeout: 5m
              backoff: {initial: 500ms, factor: 1.5}
              cache: false
            jobs:
              - {name: a, runs: x}
              - {name: b, runs: x, retries: 0, timeout: 10, backoff: {max: 2m}, cache: true}

            """)
        let first = workflow.jobs[0]
        #expect(first.retries == 2)
        #expect(first.timeout == .seconds(300))
        #expect(first.backoff == Backoff(initial: .milliseconds(500), factor: 1.5, maximum: .seconds(60)))
        #expect(!first.cacheEnabled)

        let second = workflow.jobs[1]
        #expect(second.retries == 0)
        #expect(second.timeout == .seconds(10))
        #expect(second.backoff == Backoff(initial: .milliseconds(500), factor: 1.5, maximum: .seconds(120)))
        #expect(second.cacheEnabled)
    }

    @Test func builtInDefaults() throws {
        let job = try load("jobs: [{name: a, runs: x}]").workflow.jobs[0]
        #expect(job.retries == 0)
        #expect(job.timeout == nil)
        #expect(job.backoff == Backoff())
        #expect(job.cacheEnabled)
        #expect(job.env.isEmpty)
        #expect(job.needs.isEmpty)
        #expect(job.inputs.isEmpty)
    }

    @Test func environmentKeepsScalarText() throws {
        let (workflow, _) = try load("""
            env: {LANG: C.UTF-8, JOBS: 4, DEBUG: true, RATIO: 1.50, EMPTY: , QUOTED: "01"}
            jobs:
              - {name: a, runs: x, env: {MODE: release, LANG: C}}

            """)
        #expect(workflow.env == ["LANG": "C.UTF-8", "JOBS": "4", "DEBUG": "true", "RATIO": "1.50", "EMPTY": "", "QUOTED": "01"])
        #expect(workflow.jobs[0].env == ["MODE": "release", "LANG": "C"])
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let (workflow, _) = try load("""
            x-common: &common
              retries: 3
              inputs: [src/**]
            jobs:
              - name: a
                runs: &script |
                  echo one
                  echo two
                <<: *common
              - name: b
                runs: *script
                <<: *common
                retries: 1

            """)
        #expect(workflow.jobs[0].script == "echo one\necho two\n")
        #expect(workflow.jobs[1].script == "echo one\necho two\n")
        #expect(workflow.jobs[0].retries == 3)
        #expect(workflow.jobs[0].inputs == ["src/**"])
        #expect(workflow.jobs[1].retries == 1)
    }

    @Test func scalarStyles() throws {
        let (workflow, _) = try load("""
            jobs:
              - name: "quoted"
                runs: 'echo ''single'' "double"'
              - name: folded
                runs: >
                  make
                  all
              - name: plain.name_1-x
                runs: echo a:b

            """)
        #expect(workflow.jobs.map(\.name) == ["quoted", "folded", "plain.name_1-x"])
        #expect(workflow.jobs[0].script == "echo 'single' \"double\"")
        #expect(workflow.jobs[1].script == "make all\n")
        #expect(workflow.jobs[2].script == "echo a:b")
    }

    @Test func duplicateNeedsWarn() throws {
        let (workflow, warnings) = try load("""
            jobs:
              - {name: a, runs: x}
              - {name: b, runs: x, needs: [a, a]}

            """)
        #expect(workflow.jobs[1].needs == ["a"])
        #expect(warnings.map(\.description) == [
            "workflow.yml:3:35: job 'b' lists 'a' in 'needs' more than once",
        ])
    }

    @Test func artifactsOverlappingInputsWarn() throws {
        let (_, warnings) = try load("""
            jobs:
              - {name: fmt, runs: x, inputs: [src/**], artifacts: [src/**]}
              - {name: gen, runs: x, inputs: ["**"], artifacts: [out/**]}
              - {name: ok, runs: x, inputs: ["**", "!out/**"], artifacts: [out/**]}
              - {name: apart, runs: x, inputs: [src/**], artifacts: [dist/app.tgz, "*.tgz"]}

            """)
        #expect(warnings.map(\.description) == [
            "workflow.yml:2:56: job 'fmt' has artifacts 'src/**' that overlap its inputs 'src/**', "
                + "so in watch mode its own writes trigger it once more",
            "workflow.yml:3:54: job 'gen' has artifacts 'out/**' that overlap its inputs '**', "
                + "so in watch mode its own writes trigger it once more",
        ])
    }

    @Test func loadFromFileSetsAbsoluteRoot() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("sub/workflow.yml", "jobs: [{name: a, runs: x}]\n")

        let (workflow, _) = try WorkflowLoader.load(file: file)
        #expect(workflow.file == file)
        #expect(workflow.root == "\(directory.path)/sub")
    }

    @Test(arguments: ["full.yml", "mapping.yml"])
    func validFixtureLoads(name: String) throws {
        let (workflow, warnings) = try WorkflowLoader.load(file: "\(Self.fixtures)/valid/\(name)")
        #expect(!workflow.jobs.isEmpty)
        #expect(warnings.isEmpty)
        #expect(workflow.root == "\(Self.fixtures)/valid")
    }

    /// Each invalid fixture starts with `# error: LINE:COLUMN: MESSAGE`, the error it must raise.
    @Test(arguments: ["cycle.yml", "unknown-need.yml", "bad-glob.yml"])
    func invalidFixtureFails(name: String) throws {
        let file = "\(Self.fixtures)/invalid/\(name)"
        let firstLine = try String(contentsOfFile: file, encoding: .utf8).prefix { $0 != "\n" }
        let expected = String(firstLine.dropFirst("# error: ".count))

        let error = #expect(throws: WorkflowError.self) {
            try WorkflowLoader.load(file: file)
        }
        let location = error?.location.map { "\($0.line):\($0.column)" } ?? "-"
        #expect("\(location): \(error?.message ?? "")" == expected)
        #expect(error?.location?.file == file)
    }

    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/workflows").path
}
