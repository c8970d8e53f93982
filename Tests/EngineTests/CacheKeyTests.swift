import Foundation
import Hashing
import Testing
@testable import Engine

@Suite struct CacheKeyTests {
    /// A job with everything that can enter its cache key, and the edits to try on it.
    struct Scenario {
        var job = Job(
            name: "test",
            script: "make test",
            needs: ["build"],
            inputs: ["src/**", "!src/gen/**"],
            artifacts: ["out/**"],
            retries: 1,
            timeout: .seconds(60),
            env: ["MODE": "release"]
        )
        var workflowEnvironment = ["LANG": "C.UTF-8"]
        var inputs = [
            CacheKey.InputFile(path: "src/a.c", digest: SHA256.hash("int a;\n"), isExecutable: false),
            CacheKey.InputFile(path: "src/run.sh", digest: SHA256.hash("#!/bin/sh\n"), isExecutable: true),
        ]
        var upstream: [Job.Name: Digest] = ["build": SHA256.hash("build artifacts v1")]

        var components: CacheKey.Components {
            let workflow = Workflow(file: "workflow.yml", root: "/w", env: workflowEnvironment, jobs: [job])
            return CacheKey.Components(job: job, in: workflow, inputs: inputs, upstreamArtifacts: upstream)
        }
    }

    enum Edit: String, CaseIterable, Sendable {
        case scriptEdited
        case inputContentEdited
        case inputRewrittenWithSameContent
        case inputMadeExecutable
        case inputLinkTargetChanged
        case inputAdded
        case inputDeleted
        case jobEnvironmentChanged
        case workflowEnvironmentChanged
        case environmentVariableAdded
        case environmentVariableRemoved
        case inputPatternChanged
        case artifactPatternChanged
        case upstreamArtifactsChanged
        case retriesChanged
        case timeoutChanged
        case backoffChanged
        case cacheDisabled

        func apply(to scenario: inout Scenario) {
            switch self {
            case .scriptEdited:
                scenario.job.script = "make test V=1"
            case .inputContentEdited:
                scenario.inputs[0].digest = SHA256.hash("int a = 1;\n")
            case .inputRewrittenWithSameContent:
                scenario.inputs[0] = CacheKey.InputFile(path: "src/a.c", digest: SHA256.hash("int a;\n"), isExecutable: false)
            case .inputMadeExecutable:
                scenario.inputs[0].isExecutable = true
            case .inputLinkTargetChanged:
                scenario.inputs[0].linkTarget = "other.c"
            case .inputAdded:
                scenario.inputs.append(CacheKey.InputFile(path: "src/b.c", digest: SHA256.hash("b"), isExecutable: false))
            case .inputDeleted:
                scenario.inputs.removeFirst()
            case .jobEnvironmentChanged:
                scenario.job.env["MODE"] = "debug"
            case .workflowEnvironmentChanged:
                scenario.workflowEnvironment["LANG"] = "C"
            case .environmentVariableAdded:
                scenario.job.env["CC"] = "clang"
            case .environmentVariableRemoved:
                scenario.workflowEnvironment = [:]
            case .inputPatternChanged:
                scenario.job.inputs = ["src/**"]
            case .artifactPatternChanged:
                scenario.job.artifacts = ["out/*.txt"]
            case .upstreamArtifactsChanged:
                scenario.upstream["build"] = SHA256.hash("build artifacts v2")
            case .retriesChanged:
                scenario.job.retries = 5
            case .timeoutChanged:
                scenario.job.timeout = .seconds(600)
            case .backoffChanged:
                scenario.job.backoff = Backoff(initial: .seconds(5), factor: 3, maximum: .seconds(90))
            case .cacheDisabled:
                scenario.job.cacheEnabled = false
            }
        }

        /// The changes `differences(from:)` reports; empty means the cache key stays the same.
        var expectedChanges: [String] {
            switch self {
            case .scriptEdited: ["script changed"]
            case .inputContentEdited, .inputMadeExecutable, .inputLinkTargetChanged: ["input src/a.c modified"]
            case .inputRewrittenWithSameContent: []
            case .inputAdded: ["input src/b.c added"]
            case .inputDeleted: ["input src/a.c deleted"]
            case .jobEnvironmentChanged: ["env MODE changed"]
            case .workflowEnvironmentChanged: ["env LANG changed"]
            case .environmentVariableAdded: ["env CC added"]
            case .environmentVariableRemoved: ["env LANG removed"]
            case .inputPatternChanged, .artifactPatternChanged: ["glob patterns changed"]
            case .upstreamArtifactsChanged: ["upstream build's artifacts changed"]
            case .retriesChanged, .timeoutChanged, .backoffChanged, .cacheDisabled: []
            }
        }
    }

    @Test(arguments: Edit.allCases)
    func editChangesKeyExactlyWhenExpected(_ edit: Edit) {
        let before = Scenario().components
        var scenario = Scenario()
        edit.apply(to: &scenario)
        let after = scenario.components

        let changes = after.differences(from: before).map(\.description)

        #expect(changes == edit.expectedChanges)
        #expect((after.digest != before.digest) == !edit.expectedChanges.isEmpty)
    }

    @Test func keyIgnoresInputOrder() {
        var reordered = Scenario()
        reordered.inputs.reverse()

        #expect(reordered.components.digest == Scenario().components.digest)
    }

    @Test func keyKeepsFieldsApart() {
        // Without length prefixes these pairs would hash the same bytes.
        var joined = Scenario()
        joined.job.inputs = ["src/**!src/gen/**"]
        var movedBetweenFields = Scenario()
        movedBetweenFields.job.inputs = ["src/**"]
        movedBetweenFields.job.artifacts = ["!src/gen/**", "out/**"]

        let digests = [Scenario().components.digest, joined.components.digest, movedBetweenFields.components.digest]

        #expect(Set(digests).count == 3)
    }

    @Test func keyUsesDeclaredShell() {
        let components = Scenario().components

        #expect(components.shell == Job.shell)
        #expect(components.formatVersion == CacheKey.formatVersion)
    }

    @Test func componentsSurviveJSON() throws {
        var scenario = Scenario()
        scenario.inputs[1].linkTarget = "tools/run.sh"
        let components = scenario.components

        let data = try JSONEncoder().encode(components)
        let decoded = try JSONDecoder().decode(CacheKey.Components.self, from: data)

        #expect(decoded == components)
        #expect(decoded.digest == components.digest)
    }

    @Test func upstreamJobAddedAndRemoved() {
        let before = Scenario().components
        var scenario = Scenario()
        scenario.upstream = ["lint": SHA256.hash("lint")]

        let changes = scenario.components.differences(from: before).map(\.description)

        #expect(changes == ["needs build removed", "needs lint added"])
    }
}
