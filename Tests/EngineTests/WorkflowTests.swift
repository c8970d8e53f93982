import Testing
@testable import Engine

@Suite struct WorkflowTests {
    @Test func jobEnvironmentOverridesWorkflow() {
        let job = Job(name: "build", script: "true", env: ["MODE": "release"])
        let workflow = Workflow(file: "workflow.yml", root: "/w", env: ["MODE": "debug", "LANG": "C"], jobs: [job])
        #expect(workflow.declaredEnvironment(for: job) == ["MODE": "release", "LANG": "C"])
    }
}
